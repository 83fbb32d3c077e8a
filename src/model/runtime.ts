import fs from "node:fs/promises";
import path from "node:path";
import { getLlama, LlamaLogLevel, type Llama, type LlamaContext, type LlamaEmbeddingContext, type LlamaModel } from "node-llama-cpp";
import { z } from "zod";
import { parseOptions } from "../config/parse-options.js";
import { SealError, throwIfAborted } from "../errors.js";
import type { AdapterSpec } from "./adapter-spec.js";
import { memoizedFileSha256 } from "./file-sha256.js";
import { inspectGguf } from "./gguf-inspect.js";
import { defaultThreadCount } from "./threads.js";

export const runtimeOptionsSchema = z
  .object({
    /** Path to the base GGUF model (see `ensureModel()` for the default one). */
    modelPath: z.string().min(1),
    /** GPU backend for inference: "auto" picks CUDA/Vulkan/Metal when present. Defaults to `SEAL_GPU`, else `false` (CPU). */
    gpu: z.union([z.literal("auto"), z.literal("cuda"), z.literal("vulkan"), z.literal("metal"), z.literal(false)]).optional(),
    /** CPU threads. Defaults to the CPUs this process may use (`SEAL_THREADS` overrides). */
    threads: z.number().int().positive().optional(),
    /** Context size in tokens for new contexts. Defaults to `2048`. */
    contextSize: z.number().int().positive().default(2048),
  })
  .strict();

export type RuntimeOptions = z.input<typeof runtimeOptionsSchema>;

export interface ContextOptions {
  /** LoRA adapters to apply, in order. Defaults to none. */
  adapters?: readonly AdapterSpec[];
  /** Defaults to the runtime's `contextSize`. */
  contextSize?: number;
  /** Parallel sequences in the context. Defaults to `1`. */
  sequences?: number;
  /**
   * F32 KV cache and no flash attention: the numerics the trainer uses, for exact comparisons of
   * losses (slower, and twice the KV memory). Defaults to `false` (F16 cache, flash attention
   * where llama.cpp picks it).
   */
  exactAttention?: boolean;
  signal?: AbortSignal;
}

export interface LoadControl {
  signal?: AbortSignal;
  /** 0..1 while the model's weights load. */
  onLoadProgress?: (fraction: number) => void;
}

const loadedRuntimes = new Map<string, Promise<SealRuntime>>();

/**
 * The base model, loaded once per process, and the factory for contexts with or without LoRA
 * adapters. Contexts are cheap; the model is not. Dispose it to free the weights.
 */
export class SealRuntime {
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly modelPath: string;
  readonly threads: number;
  readonly contextSize: number;
  private disposed = false;

  private constructor(
    llama: Llama,
    model: LlamaModel,
    modelPath: string,
    threads: number,
    contextSize: number,
    /** The model file as it was when loaded: a file replaced since is not what this process serves. */
    private readonly loadedFile: { size: number; mtimeMs: number; ino: number },
  ) {
    this.llama = llama;
    this.model = model;
    this.modelPath = modelPath;
    this.threads = threads;
    this.contextSize = contextSize;
  }

  /**
   * Throws MODEL_CHECKSUM_MISMATCH when the model file was replaced or changed after this runtime
   * loaded it: what is in memory is then not the file that a trainer would read, nor the one an
   * adapter's recorded base sha256 would be compared with.
   */
  async assertModelFileUnchanged(): Promise<void> {
    const stat = await fs.stat(this.modelPath).catch(() => undefined);
    if (stat && stat.size === this.loadedFile.size && stat.mtimeMs === this.loadedFile.mtimeMs && stat.ino === this.loadedFile.ino) return;
    throw new SealError("MODEL_CHECKSUM_MISMATCH", `The model file ${this.modelPath} was ${stat ? "replaced or changed" : "removed"} after this process loaded it`, {
      hint: "Restart the process so that it loads the file now there (adapters trained on the old file will then be refused).",
      context: { modelPath: this.modelPath },
    });
  }

  /** The sha256 of the loaded model file (hashed once per file, then memoized). */
  async modelSha256(): Promise<string> {
    await this.assertModelFileUnchanged();
    return memoizedFileSha256(this.modelPath);
  }

  /**
   * Loads the model, or returns the instance already loaded in this process for the same path and
   * settings. Throws MODEL_NOT_FOUND / MODEL_CORRUPT before llama.cpp sees a bad file.
   */
  static load(options: RuntimeOptions, control: LoadControl = {}): Promise<SealRuntime> {
    const parsed = parseOptions(runtimeOptionsSchema, options, "SealRuntime.load");
    const modelPath = path.resolve(parsed.modelPath);
    const gpu = parsed.gpu ?? parseGpuEnv(process.env.SEAL_GPU);
    const threads = parsed.threads ?? defaultThreadCount();
    const key = JSON.stringify([modelPath, gpu, threads, parsed.contextSize]);
    const existing = loadedRuntimes.get(key);
    if (existing) return existing;
    const loading = SealRuntime.loadUncached(modelPath, gpu, threads, parsed.contextSize, control);
    loadedRuntimes.set(key, loading);
    loading.catch(() => loadedRuntimes.delete(key));
    return loading;
  }

  private static async loadUncached(
    modelPath: string,
    gpu: "auto" | "cuda" | "vulkan" | "metal" | false,
    threads: number,
    contextSize: number,
    control: LoadControl,
  ): Promise<SealRuntime> {
    await inspectGguf(modelPath, "model");
    throwIfAborted(control.signal);
    const llama = await getLlama({ gpu, maxThreads: threads, logLevel: LlamaLogLevel.error, progressLogs: false });
    let model: LlamaModel;
    try {
      model = await llama.loadModel({
        modelPath,
        ...(control.signal ? { loadSignal: control.signal } : {}),
        ...(control.onLoadProgress ? { onLoadProgress: control.onLoadProgress } : {}),
      });
    } catch (error) {
      throwIfAborted(control.signal);
      throw new SealError("MODEL_CORRUPT", `llama.cpp could not load ${modelPath}`, {
        hint: "The file has a valid GGUF header but its contents are unusable; fetch it again with `seal model pull`.",
        context: { modelPath },
        cause: error,
      });
    }
    const stat = await fs.stat(modelPath);
    return new SealRuntime(llama, model, modelPath, threads, contextSize, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino });
  }

  /** A new context with the given adapters. Adapter files are checked before llama.cpp loads them. */
  async createContext(options: ContextOptions = {}): Promise<LlamaContext> {
    this.assertNotDisposed();
    const adapters = options.adapters ?? [];
    for (const adapter of adapters) {
      const summary = await inspectGguf(adapter.filePath, "adapter");
      // llama.cpp accepts any adapter of the right shapes; one trained on another base file (another
      // quantization, another fine-tune of the same architecture) would serve wrong weights quietly.
      if (summary.baseSha256 !== undefined && summary.baseSha256 !== (await this.modelSha256())) {
        throw new SealError("ADAPTER_INVALID", `Adapter ${adapter.filePath} was trained on another base model (sha256 ${summary.baseSha256.slice(0, 12)}…, not this one's)`, {
          hint: "Serve it with the base model it was trained on, or train it again on this one.",
          context: { filePath: adapter.filePath, adapterBase: summary.baseSha256, modelPath: this.modelPath },
        });
      }
    }
    try {
      return await this.model.createContext({
        contextSize: options.contextSize ?? this.contextSize,
        sequences: options.sequences ?? 1,
        threads: this.threads,
        ...(options.exactAttention ? { flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" } : {}),
        ...(adapters.length > 0
          ? { lora: { adapters: adapters.map((adapter) => ({ filePath: path.resolve(adapter.filePath), scale: adapter.scale ?? 1 })) } }
          : {}),
        ...(options.signal ? { createSignal: options.signal } : {}),
      });
    } catch (error) {
      throwIfAborted(options.signal);
      if (adapters.length > 0) {
        throw new SealError("ADAPTER_INVALID", `llama.cpp refused the adapter set: ${(error as Error).message}`, {
          hint: "An adapter must be trained on this exact base model (same architecture and tensor shapes).",
          context: { modelPath: this.modelPath, adapters: adapters.map((adapter) => adapter.filePath) },
          cause: error,
        });
      }
      throw error;
    }
  }

  /** An embedding context over the base model (mean-pooled hidden states). */
  async createEmbeddingContext(options: { contextSize?: number } = {}): Promise<LlamaEmbeddingContext> {
    this.assertNotDisposed();
    return this.model.createEmbeddingContext({ contextSize: options.contextSize ?? this.contextSize, threads: this.threads });
  }

  /** Embeds texts one after another (llama.cpp batches tokens within each text). */
  async embed(texts: readonly string[], context?: LlamaEmbeddingContext): Promise<number[][]> {
    const embeddingContext = context ?? (await this.createEmbeddingContext());
    try {
      const vectors: number[][] = [];
      for (const text of texts) vectors.push([...(await embeddingContext.getEmbeddingFor(text)).vector]);
      return vectors;
    } finally {
      if (!context) await embeddingContext.dispose();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const [key, value] of loadedRuntimes) if ((await value.catch(() => undefined)) === this) loadedRuntimes.delete(key);
    await this.model.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private assertNotDisposed(): void {
    if (this.disposed) throw new SealError("DISPOSED", "This SealRuntime has been disposed");
  }
}

/** Reads an adapter file's identity for AdapterSwitcher's rewritten-in-place check. */
export async function adapterFileIdentity(filePath: string): Promise<{ sizeBytes: number; modifiedMs: number }> {
  const stat = await fs.stat(filePath).catch((error: unknown) => {
    throw new SealError("ADAPTER_INVALID", `No adapter file at ${filePath}`, { context: { filePath }, cause: error });
  });
  return { sizeBytes: stat.size, modifiedMs: stat.mtimeMs };
}

function parseGpuEnv(value: string | undefined): "auto" | "cuda" | "vulkan" | "metal" | false {
  if (value === "auto" || value === "cuda" || value === "vulkan" || value === "metal") return value;
  return false;
}
