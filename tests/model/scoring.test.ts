import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaContext } from "node-llama-cpp";
import { scoreContinuation } from "../../src/model/score.js";
import type { SealRuntime } from "../../src/model/runtime.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";

let runtime: SealRuntime;
let context: LlamaContext;
beforeAll(async () => {
  runtime = await loadDefaultRuntime();
  context = await runtime.createContext();
});
afterAll(async () => {
  await context.dispose();
  await runtime.dispose();
});

const prompt = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n";
const likely = "The capital of France is Paris.";
const shuffled = "Paris France capital is The of.";

describe("scoreContinuation", () => {
  it("gives a likely continuation a higher log-probability than the same words shuffled", async () => {
    const good = await scoreContinuation(context, prompt, likely);
    const bad = await scoreContinuation(context, prompt, shuffled);
    expect(good.tokenLogProbs.every((value) => value <= 0 && Number.isFinite(value))).toBe(true);
    expect(good.logProb).toBeGreaterThan(bad.logProb + 5);
    expect(good.meanNll).toBeCloseTo(-good.logProb / good.tokens.length, 10);
  });

  it("is deterministic and independent of earlier calls on the same context", async () => {
    const first = await scoreContinuation(context, prompt, likely);
    await scoreContinuation(context, "Something else entirely.", " And more.");
    const second = await scoreContinuation(context, prompt, likely);
    expect(second.logProb).toBeCloseTo(first.logProb, 4);
  });

  it("agrees with greedy generation: the model's own first token has the highest score", async () => {
    const candidates = [" Paris", " London", " Berlin"];
    const base = "The capital of France is";
    const scores = await Promise.all(candidates.map((candidate) => scoreContinuation(context, base, candidate)));
    const best = candidates[scores.indexOf(scores.reduce((a, b) => (a.logProb > b.logProb ? a : b)))];
    expect(best).toBe(" Paris");
  });
});
