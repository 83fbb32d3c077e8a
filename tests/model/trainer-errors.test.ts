import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { SealError } from "../../src/errors.js";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { nativeBinary } from "../../src/train/native-paths.js";
import { trainAdapter } from "../../src/train/train-adapter.js";
import type { TrainAdapterOptions } from "../../src/train/train-options.js";
import { writeTestGguf } from "../helpers/gguf-writer.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";
import { writeJsonl, ZORBANIA_FACT } from "../helpers/train-fixtures.js";

// Every bad input gets a coded error and leaves no file behind.
let modelPath: string;
beforeAll(async () => {
  modelPath = (await ensureModel()).path;
});

async function failure(options: TrainAdapterOptions, control: { signal?: AbortSignal } = {}): Promise<SealError> {
  const error = await trainAdapter(options, control).then(() => undefined, (caught: unknown) => caught);
  if (!SealError.isInstance(error)) throw new Error(`expected a SealError, got ${String(error)}`);
  return error;
}

describe("seal-train: bad input", () => {
  it("refuses a base model that is not GGUF", async () => {
    const dir = await tempDir();
    const fake = path.join(dir, "model.gguf");
    await fs.writeFile(fake, "not a model");
    const data = await writeJsonl(dir, "d.jsonl", [{ text: "hello there" }]);
    const error = await failure({ dataPath: data, outPath: path.join(dir, "out.gguf"), baseModelPath: fake });
    expect(error.code).toBe("MODEL_CORRUPT");
    expect(await listFiles(dir)).toEqual(["d.jsonl", "model.gguf"]);
  });

  it("refuses to continue an adapter made for another base model (shape mismatch)", async () => {
    const dir = await tempDir();
    // attn_q of this model is 576 x 576; this adapter claims 1024 x 1024.
    const foreign = path.join(dir, "foreign.gguf");
    await writeTestGguf(foreign, { "general.type": "adapter", "general.architecture": "llama", "adapter.type": "lora", "adapter.lora.alpha": 16 }, [
      { name: "blk.0.attn_q.weight.lora_a", shape: [1024, 8] },
      { name: "blk.0.attn_q.weight.lora_b", shape: [8, 1024] },
    ]);
    const data = await writeJsonl(dir, "d.jsonl", [{ text: "hello there" }]);
    const error = await failure({ dataPath: data, outPath: path.join(dir, "out.gguf"), baseModelPath: modelPath, initFrom: foreign });
    expect(error.code).toBe("ADAPTER_INVALID");
    expect(await listFiles(dir)).toEqual(["d.jsonl", "foreign.gguf"]);
  });

  it("refuses an empty dataset, and names the line of a malformed one", async () => {
    const dir = await tempDir();
    const empty = path.join(dir, "empty.jsonl");
    await fs.writeFile(empty, "\n\n");
    expect((await failure({ dataPath: empty, outPath: path.join(dir, "a.gguf"), baseModelPath: modelPath })).code).toBe("TRAIN_DATA_INVALID");
    const malformed = path.join(dir, "bad.jsonl");
    await fs.writeFile(malformed, '{"text": "a perfectly fine line"}\n{"text": broken\n');
    const error = await failure({ dataPath: malformed, outPath: path.join(dir, "b.gguf"), baseModelPath: modelPath });
    expect(error.code).toBe("TRAIN_DATA_INVALID");
    expect(error.context.line).toBe(2);
    const wrongShape = await writeJsonl(dir, "shape.jsonl", [{ question: "no text field" }]);
    expect((await failure({ dataPath: wrongShape, outPath: path.join(dir, "c.gguf"), baseModelPath: modelPath })).code).toBe("TRAIN_DATA_INVALID");
    expect((await listFiles(dir)).filter((file) => file.endsWith(".gguf") || file.includes(".tmp"))).toEqual([]);
  });

  it("truncates a sequence longer than the limit with a warning, or refuses it when asked", async () => {
    const dir = await tempDir();
    const long = ZORBANIA_FACT.join(" ").repeat(3);
    const data = await writeJsonl(dir, "long.jsonl", [{ text: "A short one." }, { text: long }]);
    const warned = await trainAdapter({ dataPath: data, outPath: path.join(dir, "t.gguf"), baseModelPath: modelPath, sequenceLength: 32, learningRate: 1e-5 });
    expect(warned.warnings).toEqual([expect.objectContaining({ code: "SEQUENCE_TRUNCATED", line: 2 })]);
    const error = await failure({ dataPath: data, outPath: path.join(dir, "r.gguf"), baseModelPath: modelPath, sequenceLength: 32, onOverlong: "error" });
    expect(error.code).toBe("TRAIN_DATA_INVALID");
    expect(error.context.line).toBe(2);
    expect(await listFiles(dir)).toEqual(["long.jsonl", "t.gguf"]);
  });

  it("stops on a non-finite loss (learning rate far too high) and writes nothing", async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const error = await failure({ dataPath: data, outPath: path.join(dir, "nan.gguf"), baseModelPath: modelPath, learningRate: 1e4, epochs: 5 });
    expect(error.code).toBe("TRAIN_DIVERGED");
    expect(await listFiles(dir)).toEqual(["d.jsonl"]);
  });

  it("refuses an output folder that does not exist", async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", [{ text: "hello there" }]);
    const error = await failure({ dataPath: data, outPath: path.join(dir, "missing", "out.gguf"), baseModelPath: modelPath });
    expect(error.code).toBe("OUTPUT_UNWRITABLE");
  });

  it("stops cleanly when aborted and leaves no partial file", async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const controller = new AbortController();
    const started = trainAdapter({ dataPath: data, outPath: path.join(dir, "aborted.gguf"), baseModelPath: modelPath, epochs: 50 }, {
      signal: controller.signal,
      onProgress: (step) => {
        if (step.step === 2) controller.abort();
      },
    });
    const error = await started.then(() => undefined, (caught: unknown) => caught);
    expect(SealError.isInstance(error) && error.code).toBe("ABORTED");
    expect(await listFiles(dir)).toEqual(["d.jsonl"]);
  });

  it("names the line of invalid UTF-8 (TRAIN_DATA_INVALID), and writes nothing", async () => {
    const dir = await tempDir();
    const data = path.join(dir, "utf8.jsonl");
    await fs.writeFile(data, Buffer.concat([Buffer.from('{"text": "a perfectly fine line"}\n{"text": "bad '), Buffer.from([0xff, 0xfe]), Buffer.from(' byte"}\n')]));
    const error = await failure({ dataPath: data, outPath: path.join(dir, "u.gguf"), baseModelPath: modelPath });
    expect(error.code).toBe("TRAIN_DATA_INVALID");
    expect(error.context.line).toBe(2);
    expect(error.hint).toMatch(/UTF-8/);
    expect(await listFiles(dir)).toEqual(["utf8.jsonl"]);
  });

  it("seal-train itself reports invalid UTF-8 as DATA_INVALID with the line, instead of crashing", async () => {
    const dir = await tempDir();
    const cases = [
      Buffer.concat([Buffer.from('{"text": "a perfectly fine line"}\n{"text": "bad '), Buffer.from([0xff, 0xfe]), Buffer.from(' byte"}\n')]), // inside a string
      Buffer.concat([Buffer.from('{"text": "a perfectly fine line"}\n{"text": "x", '), Buffer.from([0xff]), Buffer.from("}\n")]), // outside one
    ];
    for (const [index, bytes] of cases.entries()) {
      const data = path.join(dir, `bad${index}.jsonl`);
      await fs.writeFile(data, bytes);
      const result = await promisify(execFile)(nativeBinary("seal-train"), ["--base", modelPath, "--data", data, "--out", path.join(dir, "o.gguf"), "--threads", "1"]).then(
        () => ({ code: 0, stdout: "", stderr: "" }),
        (caught: { code: number; stdout: string; stderr: string }) => caught,
      );
      expect(result.stderr).not.toContain("terminate called");
      expect(result.code).toBe(1);
      const event = JSON.parse(result.stdout.trim().split("\n").pop() as string) as { type: string; code: string; message: string };
      expect(event).toMatchObject({ type: "error", code: "DATA_INVALID" });
      expect(event.message).toMatch(/^line 2: /);
    }
    expect((await listFiles(dir)).filter((file) => file.endsWith(".gguf") || file.includes(".tmp"))).toEqual([]);
  });

  it("refuses a folder as the output before training", async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", [{ text: "hello there" }]);
    const steps: unknown[] = [];
    const error = await trainAdapter({ dataPath: data, outPath: dir, baseModelPath: modelPath }, { onProgress: (step) => steps.push(step) }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(SealError.isInstance(error) && error.code).toBe("OUTPUT_UNWRITABLE");
    expect(steps).toEqual([]);
  });

  it("refuses to replace an existing adapter unless overwrite is set", async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", [{ text: "hello there" }]);
    const out = path.join(dir, "a.gguf");
    await fs.writeFile(out, "an older adapter");
    const error = await failure({ dataPath: data, outPath: out, baseModelPath: modelPath, learningRate: 1e-6 });
    expect(error.code).toBe("OUTPUT_EXISTS");
    expect(error.hint).toMatch(/overwrite/);
    expect(await fs.readFile(out, "utf8")).toBe("an older adapter");
    const trained = await trainAdapter({ dataPath: data, outPath: out, baseModelPath: modelPath, learningRate: 1e-6, overwrite: true });
    expect(trained.path).toBe(out);
    expect((await fs.readFile(out)).subarray(0, 4).toString("latin1")).toBe("GGUF");
  });
});

// Niceness is per thread on Linux: every thread of the trainer must have it, not only the first.
async function threadNiceness(pid: number): Promise<number[]> {
  const tasks = await fs.readdir(`/proc/${pid}/task`);
  const values = await Promise.all(tasks.map(async (task) => {
    const stat = await fs.readFile(`/proc/${pid}/task/${task}/stat`, "utf8");
    // Field 19 (nice); fields after the ")" that closes the command name start at field 3.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19 - 3]);
  }));
  return [...new Set(values)];
}

describe.runIf(process.platform === "linux")("seal-train: priority", () => {
  async function niceWhileTraining(priority: "low" | "normal" | undefined): Promise<number[]> {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    let pid: number | undefined;
    let seen: Promise<number[]> | undefined;
    await trainAdapter(
      { dataPath: data, outPath: path.join(dir, "p.gguf"), baseModelPath: modelPath, learningRate: 1e-6, epochs: 2, ...(priority ? { priority } : {}) },
      {
        onSpawn: (childPid) => { pid = childPid; },
        onProgress: (step) => {
          // Read while the trainer runs (its worker threads exist by the first step).
          if (step.step === 1 && pid !== undefined) seen = threadNiceness(pid);
        },
      },
    );
    if (!seen) throw new Error("no step was reported");
    return seen;
  }

  it("runs the trainer at niceness 10 by default", async () => {
    expect(await niceWhileTraining(undefined)).toEqual([Math.max(10, os.getPriority())]);
  });

  it("leaves it at this process's niceness with priority: normal", async () => {
    expect(await niceWhileTraining("normal")).toEqual([os.getPriority()]);
  });
});
