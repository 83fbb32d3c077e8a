import path from "node:path";
import type { LlamaEmbeddingContext } from "node-llama-cpp";
import { SealError, throwIfAborted } from "../errors.js";
import type { SealRuntime } from "../model/runtime.js";
import { normalize, type TextEmbedder } from "./embedder.js";

/**
 * Embeddings from a GGUF model through node-llama-cpp (the default chat model works: its pooled
 * hidden states). One embedding context is kept for the embedder's life; texts are embedded in
 * order, each as one llama.cpp batch.
 */
export class LlamaEmbedder implements TextEmbedder {
  readonly id: string;
  readonly dims: number;
  private contextPromise: Promise<LlamaEmbeddingContext> | undefined;

  constructor(private readonly runtime: SealRuntime) {
    this.id = `llama:${path.basename(runtime.modelPath, ".gguf")}`;
    this.dims = runtime.model.embeddingVectorSize;
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    this.contextPromise ??= this.runtime.createEmbeddingContext();
    const context = await this.contextPromise;
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      throwIfAborted(options.signal);
      const { vector } = await context.getEmbeddingFor(text);
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
