import path from "node:path";
import type { LlamaEmbeddingContext } from "node-llama-cpp";
import { SealError, throwIfAborted } from "../errors.js";
import { EMBEDDING_MODEL } from "../model/embedding-model.js";
import { ensureEmbeddingModel, type EnsureEmbeddingModelOptions } from "../model/pull/ensure-embedding-model.js";
import { SealRuntime } from "../model/runtime.js";
import { normalize, type TextEmbedder } from "./embedder.js";

export interface LlamaEmbedderOptions {
  /** Texts longer than this many tokens are cut to it. Defaults to the model's training context
   * (512 for all-MiniLM-L6-v2), capped at the runtime's context size less three. */
  maxTokens?: number;
}

/**
 * Embeddings from a GGUF model through node-llama-cpp: the default embedding model
 * (`LlamaEmbedder.loadDefault()`, all-MiniLM-L6-v2), or any other GGUF, the chat model included
 * (its pooled hidden states; measured much weaker, see README "Embeddings"). One embedding context
 * is kept for the embedder's life. node-llama-cpp embeds one text per call, so a batch is embedded
 * text after text, each as one llama.cpp batch of tokens.
 */
export class LlamaEmbedder implements TextEmbedder {
  readonly id: string;
  readonly dims: number;
  readonly maxTokens: number;
  private contextPromise: Promise<LlamaEmbeddingContext> | undefined;

  constructor(
    readonly runtime: SealRuntime,
    options: LlamaEmbedderOptions = {},
  ) {
    this.id = `llama:${path.basename(runtime.modelPath, ".gguf")}`;
    this.dims = runtime.model.embeddingVectorSize;
    const trained = runtime.model.trainContextSize > 0 ? runtime.model.trainContextSize : runtime.contextSize;
    // node-llama-cpp adds the begin and end tokens (BERT's [CLS] and [SEP]) and then needs the
    // input strictly shorter than the context: three tokens of room.
    this.maxTokens = Math.min(options.maxTokens ?? trained, runtime.contextSize - 3);
  }

  /**
   * The default embedder: fetches (or finds in the cache) all-MiniLM-L6-v2 and loads it. The model
   * (25 MB) stays loaded for the process, shared by every default embedder; `dispose()` frees the
   * embedder's context only.
   */
  static async loadDefault(options: EnsureEmbeddingModelOptions & { threads?: number; signal?: AbortSignal } = {}): Promise<LlamaEmbedder> {
    const { threads, signal, ...pullOptions } = options;
    const resolved = await ensureEmbeddingModel(pullOptions, signal ? { signal } : {});
    const runtime = await SealRuntime.load(
      { modelPath: resolved.path, contextSize: EMBEDDING_MODEL.maxTokens, ...(threads ? { threads } : {}) },
      signal ? { signal } : {},
    );
    return new LlamaEmbedder(runtime);
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    this.contextPromise ??= this.runtime.createEmbeddingContext();
    const context = await this.contextPromise;
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      throwIfAborted(options.signal);
      const tokens = this.runtime.model.tokenize(text);
      const { vector } = await context.getEmbeddingFor(tokens.length > this.maxTokens ? tokens.slice(0, this.maxTokens) : tokens);
      if (vector.length !== this.dims) throw new SealError("EMBEDDING_FAILED", `Expected ${this.dims} dimensions, got ${vector.length}`);
      vectors.push(normalize(Float32Array.from(vector)));
    }
    return vectors;
  }

  async dispose(): Promise<void> {
    const context = await this.contextPromise;
    this.contextPromise = undefined;
    await context?.dispose();
  }
}
