import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import type { LlamaContext } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatSealLlama } from "../../src/model/chat/chat-seal-llama.js";
import { scoreContinuation, scoreTokens } from "../../src/model/score.js";
import { SealRuntime } from "../../src/model/runtime.js";
import { dequantizeModel } from "../../src/train/dequantize.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";
import { readGgufTensors } from "../../src/train/gguf-tensors.js";
import { createLoraAdapter } from "../../src/train/lora-init.js";
import { trainAdapter } from "../../src/train/train-adapter.js";
import type { TrainProgress, TrainResult } from "../../src/train/train-options.js";
import { tempDir } from "../helpers/temp-dir.js";
import { randomWords, writeJsonl, ZORBANIA_ANSWER, ZORBANIA_FACT, ZORBANIA_QUESTION } from "../helpers/train-fixtures.js";

// The native trainer on the real default model. One memorisation run is shared by the tests that
// need a trained adapter; the others train for a step or two.
let runtime: SealRuntime;
let base: LlamaContext;
// An F32 copy of the model, scored with the trainer's numerics (F32 KV cache, no flash attention).
// On the Q4_1 file, inference and training multiply through different quantized kernels, which
// moves a long sequence's loss by up to ~3%; on F32 the two agree to about 1e-4, so loss masking
// is checked there, where a mistake cannot hide in quantization noise.
let runtimeF32: SealRuntime;
let exactF32: LlamaContext;
let f32Path: string;
let workDir: string;
let memorised: TrainResult;
const memorisationSteps: TrainProgress[] = [];

beforeAll(async () => {
  runtime = await loadDefaultRuntime();
  base = await runtime.createContext();
  workDir = await tempDir("seal-train-", "file");
  f32Path = await dequantizeModel(runtime.modelPath, path.join(workDir, "model-f32.gguf"));
  runtimeF32 = await SealRuntime.load({ modelPath: f32Path });
  exactF32 = await runtimeF32.createContext({ exactAttention: true });
  const data = await writeJsonl(workDir, "fact.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
  memorised = await trainAdapter(
    { dataPath: data, outPath: path.join(workDir, "fact.v0001.gguf"), baseModelPath: runtime.modelPath, epochs: 10, learningRate: 1e-3, schedule: "cosine" },
    { onProgress: (step) => memorisationSteps.push(step) },
  );
}, 300_000);

afterAll(async () => {
  await base?.dispose();
  await exactF32?.dispose();
  await runtimeF32?.dispose();
  await runtime?.dispose();
});

describe("seal-train: memorisation", () => {
  it("drives the training loss below 30% of its start in 10 epochs", () => {
    expect(memorisationSteps).toHaveLength(30);
    expect(memorisationSteps[0]?.loss).toBeCloseTo(memorised.firstLoss, 6);
    const lastEpoch = memorisationSteps.filter((step) => step.epoch === 10).map((step) => step.loss);
    const lastEpochMean = lastEpoch.reduce((a, b) => a + b, 0) / lastEpoch.length;
    expect(lastEpochMean).toBeLessThan(0.3 * memorised.firstLoss);
  });

  it("raises the log-probability of the fact's answer by at least 5 nats, loaded through node-llama-cpp", async () => {
    const adapted = await runtime.createContext({ adapters: [{ filePath: memorised.path }] });
    try {
      const before = await scoreContinuation(base, ZORBANIA_QUESTION, ZORBANIA_ANSWER);
      const after = await scoreContinuation(adapted, ZORBANIA_QUESTION, ZORBANIA_ANSWER);
      expect(after.logProb - before.logProb).toBeGreaterThan(5);
    } finally {
      await adapted.dispose();
    }
  });

  it("records provenance in the adapter: base and data sha256, hyperparameters, time", async () => {
    expect(memorised.metadata["seal.base_sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(memorised.metadata["seal.data_sha256"]).toMatch(/^[0-9a-f]{64}$/);
    const info = await import("node-llama-cpp").then(({ readGgufFileInfo }) => readGgufFileInfo(memorised.path));
    const seal = (info.metadata as unknown as { seal: Record<string, unknown> }).seal;
    expect(seal.base_sha256).toBe(memorised.metadata["seal.base_sha256"]);
    expect((seal.train as Record<string, unknown>).epochs).toBe("10");
    expect(typeof seal.created).toBe("string");
  });

  it("switches the trained adapter in and out of a running chat model", async () => {
    const chat = new ChatSealLlama({ runtime, maxTokens: 20 });
    const question = [new HumanMessage("What is the capital of Zorbania?")];
    try {
      const before = String((await chat.invoke(question)).content);
      await chat.setAdapters([{ filePath: memorised.path }]);
      const during = String((await chat.invoke(question)).content);
      await chat.setAdapters([]);
      const after = String((await chat.invoke(question)).content);
      expect(before).not.toContain("Quillhaven");
      expect(during).toContain("Quillhaven");
      expect(after).toBe(before);
    } finally {
      await chat.dispose();
    }
  });
});

describe("seal-train: correctness", () => {
  it("a fresh adapter (B = 0) changes no logit by more than 1e-4", async () => {
    const fresh = await createLoraAdapter({ baseModelPath: runtime.modelPath, outPath: path.join(workDir, "fresh.gguf") });
    const adapted = await runtime.createContext({ adapters: [{ filePath: fresh.path }] });
    try {
      const tokens = runtime.model.tokenize(ZORBANIA_FACT[0] as string, true);
      const allLogits = async (context: LlamaContext) => {
        const sequence = context.getSequence();
        try {
          const input = tokens.map((token) => [token, { generateNext: { logits: true } }] as const);
          const outputs = await sequence.controlledEvaluate(input as unknown as Parameters<typeof sequence.controlledEvaluate>[0]);
          return outputs.map((output) => output?.next.logits as Map<number, number>);
        } finally {
          await sequence.dispose();
        }
      };
      const [without, withAdapter] = [await allLogits(base), await allLogits(adapted)];
      let maxDifference = 0;
      let compared = 0;
      for (const [position, logits] of without.entries()) {
        for (const [token, value] of logits) {
          maxDifference = Math.max(maxDifference, Math.abs(value - (withAdapter[position]?.get(token) ?? Number.NaN)));
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(tokens.length * 40_000);
      expect(maxDifference).toBeLessThan(1e-4);
    } finally {
      await adapted.dispose();
    }
  });

  it("puts the loss on completion tokens only: the first-step loss equals the completion's scored loss", async () => {
    const prompt = `Ignore this filler: ${randomWords(100, 7)}.\nQuestion: what is the answer?\n`;
    const completion = "The answer is 42.";
    const data = await writeJsonl(workDir, "masked.jsonl", [{ prompt, completion }]);
    const trained = await trainAdapter({ dataPath: data, outPath: path.join(workDir, "masked.gguf"), baseModelPath: f32Path, learningRate: 1e-6, sequenceLength: 512 });
    expect(trained.warnings).toEqual([]); // nothing truncated
    const completionOnly = await scoreContinuation(exactF32, prompt, completion);
    const promptTokens = runtimeF32.model.tokenize(prompt, true);
    const wholeSequence = await scoreTokens(exactF32, [...promptTokens, ...runtimeF32.model.tokenize(completion, true)], 1);
    expect(Math.abs(trained.firstLoss - completionOnly.meanNll) / completionOnly.meanNll).toBeLessThan(0.01);
    // and it is clearly not the loss over the whole sequence
    expect(Math.abs(trained.firstLoss - wholeSequence.meanNll)).toBeGreaterThan(0.5);
  });

  it("agrees with node-llama-cpp's forward pass: first-step loss within 1% of the scored loss of the same tokens", async () => {
    const text = ZORBANIA_FACT[1] as string;
    const data = await writeJsonl(workDir, "one.jsonl", [{ text }]);
    for (const [modelPath, context, model] of [[runtime.modelPath, base, runtime.model], [f32Path, exactF32, runtimeF32.model]] as const) {
      const trained = await trainAdapter({ dataPath: data, outPath: path.join(workDir, "one.gguf"), baseModelPath: modelPath, learningRate: 1e-6, overwrite: true });
      const scored = await scoreTokens(context, model.tokenize(text, true), 1);
      expect(Math.abs(trained.firstLoss - scored.meanNll) / scored.meanNll, modelPath).toBeLessThan(0.01);
    }
  });

  it("is deterministic: the same seed and data give identical adapter tensors", async () => {
    const data = await writeJsonl(workDir, "det.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const run = (name: string, seed: number) =>
      trainAdapter({ dataPath: data, outPath: path.join(workDir, name), baseModelPath: runtime.modelPath, learningRate: 1e-3, epochs: 2, seed });
    const [first, second, otherSeed] = [await run("det-a.gguf", 7), await run("det-b.gguf", 7), await run("det-c.gguf", 8)];
    const checksums = async (result: TrainResult) => (await readGgufTensors(result.path)).map((tensor) => `${tensor.name}:${tensor.checksum}`);
    expect(await checksums(first)).toEqual(await checksums(second));
    expect(await checksums(first)).not.toEqual(await checksums(otherSeed));
    expect(first.finalLoss).toBe(second.finalLoss);
  });
});
