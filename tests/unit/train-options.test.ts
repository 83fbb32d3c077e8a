import { describe, expect, it } from "vitest";
import { parseOptions } from "../../src/config/parse-options.js";
import { trainAdapterOptionsSchema } from "../../src/train/train-options.js";

const parse = (value: unknown) => parseOptions(trainAdapterOptionsSchema, value, "trainAdapter");

describe("trainAdapter options", () => {
  it("fills the documented defaults", () => {
    expect(parse({ dataPath: "d.jsonl", outPath: "a.gguf" })).toMatchObject({
      rank: 16, alpha: 32, learningRate: 1e-4, epochs: 1, batchSize: 1, sequenceLength: 256,
      schedule: "constant", onOverlong: "truncate", seed: 42, targets: ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"],
    });
  });

  it.each([
    [{ rank: 0 }, /rank/],
    [{ learningRate: -1 }, /learningRate/],
    [{ schedule: "linear" }, /schedule/],
    [{ targets: [] }, /targets/],
    [{ targets: ["attn_z"] }, /targets/],
    [{ sequenceLength: 1 }, /sequenceLength/],
    [{ epochs: 1.5 }, /epochs/],
    [{ learningrate: 1e-3 }, /learningrate/],
  ])("rejects %j with INVALID_OPTIONS naming the option", (bad, pattern) => {
    expect(() => parse({ dataPath: "d.jsonl", outPath: "a.gguf", ...bad })).toThrowError(pattern);
    expect(() => parse({ dataPath: "d.jsonl", outPath: "a.gguf", ...bad })).toThrowError(expect.objectContaining({ code: "INVALID_OPTIONS" }));
  });
});
