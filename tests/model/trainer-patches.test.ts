import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { SealRuntime } from "../../src/model/runtime.js";
import { scoreTokens } from "../../src/model/score.js";
import { dequantizeModel } from "../../src/train/dequantize.js";
import { readGgufTensors, type GgufTensorSummary } from "../../src/train/gguf-tensors.js";
import { trainAdapter } from "../../src/train/train-adapter.js";
import type { TrainResult } from "../../src/train/train-options.js";
import { tempDir } from "../helpers/temp-dir.js";
import { writeJsonl, ZORBANIA_FACT } from "../helpers/train-fixtures.js";

// One test per fix in native/patches/: each fails on unpatched llama.cpp.
let modelPath: string;
let workDir: string;
beforeAll(async () => {
  modelPath = (await ensureModel()).path;
  workDir = await tempDir("seal-patches-", "file");
});

const byName = (tensors: GgufTensorSummary[]) => new Map(tensors.map((tensor) => [tensor.name, tensor]));

/** Two adapters with the same tensors, bit for bit. */
async function expectAdaptersIdentical(aPath: string, bPath: string): Promise<Map<string, GgufTensorSummary>> {
  const a = byName(await readGgufTensors(aPath));
  const b = byName(await readGgufTensors(bPath));
  expect(a.size).toBe(b.size);
  for (const [name, tensor] of a) expect(tensor.checksum, name).toBe(b.get(name)?.checksum);
  return a;
}

/** Two adapters trained alike by another summation order: every tensor's l2 norm within `tolerance` (relative) of the other's. */
async function expectAdaptersClose(aPath: string, bPath: string, tolerance: number): Promise<void> {
  const a = byName(await readGgufTensors(aPath));
  const b = byName(await readGgufTensors(bPath));
  expect(a.size).toBe(b.size);
  for (const [name, tensor] of a) expect(Math.abs(tensor.l2 - (b.get(name)?.l2 ?? 0)) / tensor.l2, name).toBeLessThan(tolerance);
}

/** Whether the CPU lists `flag` in /proc/cpuinfo (false where the file is missing). */
const cpuHas = async (flag: string) => (await fs.readFile("/proc/cpuinfo", "utf8").catch(() => "")).includes(` ${flag}`);

/** One step at a negligible learning rate on one sentence: its first loss against node-llama-cpp's score of the same tokens. */
async function firstLossAgainstScoring(baseModelPath: string, label: string, weightCopy: "auto" | "on"): Promise<{ relativeDifference: number; trained: TrainResult }> {
  const one = await writeJsonl(workDir, `${label}.jsonl`, [{ text: ZORBANIA_FACT[1] }]);
  const trained = await trainAdapter({ dataPath: one, outPath: path.join(workDir, `${label}.gguf`), baseModelPath, learningRate: 1e-6, weightCopy });
  await using runtime = await SealRuntime.load({ modelPath: baseModelPath });
  const context = await runtime.createContext({ exactAttention: true });
  try {
    const scored = await scoreTokens(context, runtime.model.tokenize(ZORBANIA_FACT[1] as string, true), 1);
    return { relativeDifference: Math.abs(trained.firstLoss - scored.meanNll) / scored.meanNll, trained };
  } finally {
    await context.dispose();
  }
}

describe("llama.cpp patches", () => {
  it("0003: attn_k and attn_v receive gradient (their LoRA B leaves zero in every layer)", async () => {
    const data = await writeJsonl(workDir, "kv.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const trained = await trainAdapter({ dataPath: data, outPath: path.join(workDir, "kv.gguf"), baseModelPath: modelPath, learningRate: 1e-3, targets: ["attn_k", "attn_v"] });
    const tensors = await readGgufTensors(trained.path);
    const bMatrices = tensors.filter((tensor) => tensor.name.endsWith(".lora_b"));
    expect(bMatrices).toHaveLength(60); // 30 layers x (attn_k, attn_v)
    for (const tensor of bMatrices) expect(tensor.l2, tensor.name).toBeGreaterThan(0);
  });

  it("0001: gradients restart at each optimizer step (two identical sequences per step train exactly like one)", async () => {
    const sentence = ZORBANIA_FACT[0] as string;
    const twice = await writeJsonl(workDir, "twice.jsonl", [{ text: sentence }, { text: sentence }]);
    const once = await writeJsonl(workDir, "once.jsonl", [{ text: sentence }]);
    const common = { baseModelPath: modelPath, learningRate: 1e-3, epochs: 3, targets: ["attn_q", "ffn_down"] as ["attn_q", "ffn_down"] };
    const accumulated = await trainAdapter({ ...common, dataPath: twice, outPath: path.join(workDir, "accumulated.gguf"), batchSize: 2 });
    const single = await trainAdapter({ ...common, dataPath: once, outPath: path.join(workDir, "single.gguf"), batchSize: 1 });
    expect(accumulated.steps).toBe(3);
    expect(single.steps).toBe(3);
    // Without the fix the second and third steps use the sum of all earlier gradients.
    // Scaling each half of the batch's loss by 1/2 is exact in floating point, so the two runs
    // must agree bit for bit.
    expect((await expectAdaptersIdentical(accumulated.path, single.path)).size).toBe(120);
    expect(accumulated.finalLoss).toBe(single.finalLoss);
  });

  it("0007-0008: a packed pass of several examples trains like the same examples accumulated one at a time", async () => {
    // Lines of different lengths: a mean over all rows (no per-example weights) would differ.
    const lines = ["Zorbania's capital is Quillhaven.", ...ZORBANIA_FACT, "The river Mirrow runs through Quillhaven, the capital of Zorbania, and past its old glassworks."].map((text) => ({ text }));
    const data = await writeJsonl(workDir, "pack.jsonl", lines);
    const common = { baseModelPath: modelPath, dataPath: data, learningRate: 1e-3, epochs: 3, targets: ["attn_q", "attn_v", "ffn_down"] as ["attn_q", "attn_v", "ffn_down"] };
    const accumulated = await trainAdapter({ ...common, outPath: path.join(workDir, "one-at-a-time.gguf"), batchSize: lines.length });
    const packed = await trainAdapter({ ...common, outPath: path.join(workDir, "packed.gguf"), packTokens: 1024 });
    expect(packed.steps).toBe(3);
    expect(accumulated.steps).toBe(3);
    // Same examples per step, so the same objective; kernels chosen by row count sum in another order.
    expect(Math.abs(packed.firstLoss - accumulated.firstLoss) / accumulated.firstLoss).toBeLessThan(5e-3);
    expect(Math.abs(packed.finalLoss - accumulated.finalLoss) / accumulated.finalLoss).toBeLessThan(0.03);
    expect(packed.finalLoss).toBeLessThan(packed.firstLoss * 0.9);
    await expectAdaptersClose(packed.path, accumulated.path, 0.03);
  });

  it("0012: packed passes that attend block by block train like the whole pass masked, also when passes alternate between the two", async () => {
    // Six short lines pack together (block by block: cheaper); the long one fills a pass with at
    // most one short line (the whole pass masked: cheaper). So one run builds graphs of both
    // shapes. Before patch 0012's ggml-opt fix, the second shape took the first one's gradient
    // accumulators and AdamW moments by node index (an abort, or garbage); before its softmax fix,
    // a block pass's gradient became NaN.
    const long =
      "Quillhaven, the capital of the fictional country of Zorbania, grew up around a ford of the Mirrow river where traders from the northern hills met the barges that came up from the coast; by the time of the first census its glassworks, tanneries and rope walks employed most of the town, and the council moved the national archive there from the old hill fort.";
    const short = ["Zorbania's capital is Quillhaven.", ...ZORBANIA_FACT, "Quillhaven's old glassworks closed in 1911.", "The Mirrow river floods Quillhaven every spring."];
    const data = await writeJsonl(workDir, "mixed.jsonl", [...short, long].map((text) => ({ text })));
    const common = { baseModelPath: modelPath, dataPath: data, learningRate: 1e-3, epochs: 3, packTokens: 128 };
    const masked = await trainAdapter({ ...common, outPath: path.join(workDir, "masked.gguf"), packedAttention: "masked" });
    const blocks = await trainAdapter({ ...common, outPath: path.join(workDir, "blocks.gguf") });
    expect(blocks.steps).toBe(masked.steps);
    // Another computation (the results are not bit-identical), the same training.
    expect(blocks.finalLoss).not.toBe(masked.finalLoss);
    expect(Math.abs(blocks.finalLoss - masked.finalLoss) / masked.finalLoss).toBeLessThan(5e-3);
    expect(blocks.finalLoss).toBeLessThan(blocks.firstLoss * 0.9);
    await expectAdaptersClose(blocks.path, masked.path, 0.01);
  });

  it("0013: LoRA's rank-sized products run on the sixteen-outputs kernel, with results identical to tinyBLAS's", async () => {
    const data = await writeJsonl(workDir, "short-k.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const common = { baseModelPath: modelPath, dataPath: data, learningRate: 1e-3, epochs: 3, weightCopy: "backward" as const };
    const kernel = await trainAdapter({ ...common, outPath: path.join(workDir, "short-k-on.gguf") });
    const tinyBlas = await trainAdapter({ ...common, outPath: path.join(workDir, "short-k-off.gguf"), shortKKernel: "off" });
    expect(tinyBlas.shortKProducts).toBe(0);
    // The kernel needs AVX-512 (as tinyBLAS's 16-lane path it replaces); elsewhere both runs are tinyBLAS or ggml's own loops.
    if (await cpuHas("avx512f")) expect(kernel.shortKProducts).toBeGreaterThan(0);
    expect(kernel.finalLoss).toBe(tinyBlas.finalLoss);
    await expectAdaptersIdentical(kernel.path, tinyBlas.path);
  });

  it("0014: the weight copies' products run on the panel kernel and train like tinyBLAS", async () => {
    const data = await writeJsonl(workDir, "panels.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const common = { baseModelPath: modelPath, dataPath: data, learningRate: 1e-3, epochs: 3, weightCopy: "on" as const };
    const panels = await trainAdapter({ ...common, outPath: path.join(workDir, "panels.gguf") });
    const tinyBlas = await trainAdapter({ ...common, outPath: path.join(workDir, "panels-off.gguf"), bf16Kernel: "tinyblas" });
    expect(tinyBlas.packedBf16Products).toBe(0);
    // The kernel needs AVX512-BF16; elsewhere both runs are tinyBLAS (or ggml's own loops) and agree bit for bit.
    if (await cpuHas("avx512_bf16")) {
      expect(panels.packedBf16Products).toBeGreaterThan(0);
      // Another summation order: not bit-identical, the same training.
      expect(panels.finalLoss).not.toBe(tinyBlas.finalLoss);
    }
    expect(Math.abs(panels.firstLoss - tinyBlas.firstLoss) / tinyBlas.firstLoss).toBeLessThan(1e-3);
    expect(Math.abs(panels.finalLoss - tinyBlas.finalLoss) / tinyBlas.finalLoss).toBeLessThan(0.01);
    expect(panels.finalLoss).toBeLessThan(panels.firstLoss * 0.9);
    await expectAdaptersClose(panels.path, tinyBlas.path, 0.01);
  });

  it("0006: a BF16 base trains (BF16 OUT_PROD, through the weight copy) and agrees with node-llama-cpp's scoring", async () => {
    // Unpatched, the scheduler finds no CPU kernel for OUT_PROD on BF16 weights and aborts.
    const bf16Path = await dequantizeModel(modelPath, path.join(workDir, "model-bf16.gguf"), { type: "bf16" });
    const data = await writeJsonl(workDir, "bf16.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const trained = await trainAdapter({ dataPath: data, outPath: path.join(workDir, "bf16.gguf"), baseModelPath: bf16Path, learningRate: 1e-3, epochs: 10 });
    expect(trained.finalLoss).toBeLessThan(0.3 * trained.firstLoss);

    expect((await firstLossAgainstScoring(bf16Path, "bf16-one", "auto")).relativeDifference).toBeLessThan(0.01);
  });

  it("0006 + 0009: training through the BF16 weight copies tracks training through the Q4_1 weights in place", async () => {
    const data = await writeJsonl(workDir, "copy.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const curves: Record<string, number[]> = { on: [], off: [], backward: [] };
    const copies: Record<string, { forward: number; backward: number; bytes: number }> = {};
    for (const weightCopy of ["on", "off", "backward"] as const) {
      const trained = await trainAdapter(
        { dataPath: data, outPath: path.join(workDir, `copy-${weightCopy}.gguf`), baseModelPath: modelPath, learningRate: 1e-3, epochs: 3, weightCopy },
        { onProgress: (step) => curves[weightCopy]?.push(step.loss) },
      );
      copies[weightCopy] = trained.weightCopies;
    }
    const [on, off] = [curves.on as number[], curves.off as number[]];
    expect(on).toHaveLength(9);
    // The copies were made and used: every quantized matrix of the 30 layers (7 each) has a forward
    // copy (0009) and a transposed backward one (0006); none without the option.
    expect(copies.on?.forward).toBeGreaterThanOrEqual(210);
    expect(copies.on?.backward).toBeGreaterThanOrEqual(180);
    expect(copies.on?.bytes).toBeGreaterThan(0);
    expect(copies.off).toEqual({ forward: 0, backward: 0, bytes: 0 });
    // "backward" (the consolidation's setting): the backward copy alone, the forward pass exactly
    // the in-place one, so its first loss is the same number.
    expect(copies.backward?.forward).toBe(0);
    expect(copies.backward?.backward).toBe(copies.on?.backward);
    expect(curves.backward?.[0]).toBe(off[0]);
    // The forward pass now rounds activations and weights to BF16 (as PyTorch's bf16 autocast
    // does) where the in-place path quantizes activations to 8 bits: two roundings of the same
    // product, whose first losses differ by 1.3% on this machine (the copy's agrees with
    // node-llama-cpp's scoring within 1%: the test below). Gradients differ by BF16 rounding too. How that compounds over steps depends on
    // the CPU's BF16 kernels (under 2% on the AMD EPYC with avx512_bf16, 2.2% at step 7 on an
    // Intel Xeon without it, for the backward copy alone): training tracks the in-place path.
    expect(Math.abs((on[0] as number) - (off[0] as number)) / (off[0] as number)).toBeLessThan(0.02);
    for (const [index, loss] of on.entries()) expect(Math.abs(loss - (off[index] as number)) / (off[index] as number), `step ${index + 1}`).toBeLessThan(0.05);
    expect(on).not.toEqual(off);
  });

  it("0009: through the forward weight copy, a Q4_1 base's first loss agrees with node-llama-cpp's scoring", async () => {
    const { relativeDifference, trained } = await firstLossAgainstScoring(modelPath, "q41-one", "on");
    expect(trained.weightCopies.forward).toBeGreaterThan(0);
    expect(relativeDifference).toBeLessThan(0.01);
  });

  // On one CPU, four threads and one would both use at most one CPU-second per second.
  it.runIf(os.availableParallelism() >= 2)("0011: --threads 1 trains on one thread (before, training always ran 4)", async () => {
    const data = await writeJsonl(workDir, "threads.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const trained = await trainAdapter({ dataPath: data, outPath: path.join(workDir, "threads.gguf"), baseModelPath: modelPath, learningRate: 1e-4, epochs: 6, threads: 1 });
    expect(trained.threads).toBe(1);
    // One thread works at most one CPU-second per second of the loop; four on two or more CPUs
    // worked 1.5-1.9 here.
    expect(trained.cpuSeconds).toBeGreaterThan(0);
    expect(trained.cpuSeconds / trained.seconds).toBeLessThan(1.15);
  });

  it("0002: LoRA training fits the graph budget and trains on a single sequence of any length", async () => {
    const data = await writeJsonl(workDir, "lengths.jsonl", [{ text: "Short." }, { text: ZORBANIA_FACT.join(" ") }]);
    const trained = await trainAdapter({ dataPath: data, outPath: path.join(workDir, "lengths.gguf"), baseModelPath: modelPath, learningRate: 1e-4 });
    expect(trained.steps).toBe(2);
    expect(Number.isFinite(trained.finalLoss)).toBe(true);
  });
});
