import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { SealRuntime } from "../../src/model/runtime.js";
import { scoreContinuation } from "../../src/model/score.js";
import { dequantizeModel } from "../../src/train/dequantize.js";
import { readGgufMetadataNative } from "../../src/train/gguf-metadata.js";
import { trainAdapter } from "../../src/train/train-adapter.js";
import { ensureSplitGguf, GEMMA3_270M_Q4_K_M, QWEN2_CODER_05B_Q4_K_M } from "../helpers/pip-split-gguf.js";
import { tempDir } from "../helpers/temp-dir.js";
import { writeJsonl, ZORBANIA_FACT } from "../helpers/train-fixtures.js";

// Issue 13: the trainer on the architectures and storage types users run, not only the default
// model's llama/Q4_1. Each base: the loss falls, the fact is learned (its answer's log-probability
// rises, scored through node-llama-cpp with the adapter loaded), and the adapter loads in
// node-llama-cpp at all. Architectures that cannot train are refused before anything loads
// (MODEL_UNSUPPORTED: tests/integration/cli-friction.test.ts).
const PREFIX = "The capital of the fictional country Zorbania is";
const ANSWER = " Quillhaven";

let workDir: string;
let data: string;
beforeAll(async () => {
  workDir = await tempDir("seal-models-", "file");
  data = await writeJsonl(workDir, "fact.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
});

async function trainsAndLearns(baseModelPath: string, label: string): Promise<{ architecture: string; fileType: string; gainNats: number; tokensPerSecond: number }> {
  const losses: number[] = [];
  const trained = await trainAdapter(
    { dataPath: data, outPath: path.join(workDir, `${label}.gguf`), baseModelPath, epochs: 10, learningRate: 1e-3, weightCopy: "on" },
    { onProgress: (progress) => losses.push(progress.loss) },
  );
  // The median of the last epoch's steps: at lr 1e-3 qwen2's loss, near 0 from the fifth epoch on,
  // spikes on single steps (4.8 at step 20 of 30 on tinyBLAS, 4.7 at step 30 on patch 0014's
  // kernel), so the last step alone is a coin toss. The fact's log-probability below is the guarantee.
  const lastEpoch = losses.slice(-ZORBANIA_FACT.length).sort((a, b) => a - b);
  expect(lastEpoch[Math.floor(lastEpoch.length / 2)], label).toBeLessThan(0.5 * trained.firstLoss);
  await using runtime = await SealRuntime.load({ modelPath: baseModelPath });
  const base = await runtime.createContext();
  const adapted = await runtime.createContext({ adapters: [{ filePath: trained.path }] });
  try {
    const before = await scoreContinuation(base, PREFIX, ANSWER);
    const after = await scoreContinuation(adapted, PREFIX, ANSWER);
    const meta = await readGgufMetadataNative(baseModelPath);
    const result = { architecture: meta["general.architecture"] ?? "", fileType: meta["general.file_type"] ?? "", gainNats: after.logProb - before.logProb, tokensPerSecond: trained.tokensPerSecond };
    process.stdout.write(`${label}: ${JSON.stringify(result)}, loss ${trained.firstLoss.toFixed(2)} -> ${trained.finalLoss.toFixed(2)}\n`);
    return result;
  } finally {
    await adapted.dispose();
    await base.dispose();
  }
}

describe("seal-train on the models users have", () => {
  it.each([
    ["q8_0", "7"],
    ["f16", "1"],
  ] as const)("llama (SmolLM2-135M) as %s: trains, learns the fact, loads in node-llama-cpp", { timeout: 300_000 }, async (type, fileType) => {
    const converted = await dequantizeModel((await ensureModel()).path, path.join(workDir, `smollm2-${type}.gguf`), { type });
    const result = await trainsAndLearns(converted, `llama-${type}`);
    expect(result.architecture).toBe("llama");
    expect(result.fileType).toBe(fileType);
    expect(result.gainNats).toBeGreaterThan(2);
  });

  it("qwen2 (Qwen2.5-Coder-0.5B-Instruct) as Q4_K_M: trains, learns the fact, loads in node-llama-cpp", { timeout: 600_000 }, async () => {
    const qwen = await ensureSplitGguf(QWEN2_CODER_05B_Q4_K_M);
    const result = await trainsAndLearns(qwen, "qwen2-q4_k_m");
    expect(result.architecture).toBe("qwen2");
    expect(result.fileType).toBe("15"); // LLAMA_FTYPE_MOSTLY_Q4_K_M
    expect(result.gainNats).toBeGreaterThan(2);
  });

  it("gemma3 (Gemma 3 270M) as Q4_K_M: trains through its GEGLU feed-forward (patch 0010), learns the fact, loads in node-llama-cpp", { timeout: 600_000 }, async () => {
    const gemma = await ensureSplitGguf(GEMMA3_270M_Q4_K_M);
    const result = await trainsAndLearns(gemma, "gemma3-q4_k_m");
    expect(result.architecture).toBe("gemma3");
    expect(result.fileType).toBe("15");
    expect(result.gainNats).toBeGreaterThan(2);
  });
});
