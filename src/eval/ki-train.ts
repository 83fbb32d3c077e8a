import fs from "node:fs/promises";
import path from "node:path";
import type { LlamaContext } from "node-llama-cpp";
import { trainAdapter } from "../train/train-adapter.js";
import type { KiRunEnvironment } from "./ki-run-environment.js";
import type { KiSettings } from "./ki-settings.js";

export interface KiTraining {
  examples: number;
  steps: number;
  firstLoss: number;
  finalLoss: number;
  seconds: number;
}

/**
 * Trains a fresh adapter on `texts` ({"text"} examples, the native trainer, weight copy on for
 * speed), opens a context with it for `use`, and deletes the data and adapter files afterwards.
 * Adapter names are unique: node-llama-cpp caches adapters by path.
 */
export async function withTrainedAdapter<T>(env: KiRunEnvironment, texts: readonly string[], settings: KiSettings, label: string, use: (context: LlamaContext) => Promise<T>): Promise<{ value: T; training: KiTraining }> {
  const stem = path.join(env.workDir, `${label.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 80)}.${process.pid}.${Date.now()}`);
  const dataPath = `${stem}.jsonl`;
  const adapterPath = `${stem}.gguf`;
  await fs.writeFile(dataPath, texts.map((text) => JSON.stringify({ text })).join("\n") + "\n");
  try {
    const trained = await trainAdapter(
      {
        dataPath,
        outPath: adapterPath,
        baseModelPath: env.baseModelPath,
        rank: settings.rank,
        alpha: settings.alpha,
        learningRate: settings.learningRate,
        epochs: settings.epochs,
        sequenceLength: settings.sequenceLength,
        seed: settings.seed,
        weightCopy: "on",
        ...(env.threads ? { threads: env.threads } : {}),
      },
      { ...(env.signal ? { signal: env.signal } : {}), ...(env.onTrainProgress ? { onProgress: env.onTrainProgress } : {}) },
    );
    const context = await env.runtime.createContext({ adapters: [{ filePath: adapterPath }], contextSize: 1024 });
    try {
      const value = await use(context);
      return { value, training: { examples: texts.length, steps: trained.steps, firstLoss: trained.firstLoss, finalLoss: trained.finalLoss, seconds: trained.seconds } };
    } finally {
      await context.dispose();
    }
  } finally {
    await fs.rm(dataPath, { force: true });
    await fs.rm(adapterPath, { force: true });
  }
}
