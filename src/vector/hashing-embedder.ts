import { createHash } from "node:crypto";
import { normalize, type TextEmbedder } from "./embedder.js";

/**
 * A lexical embedder with no model: each lower-cased word and word pair is hashed into one of
 * `dims` buckets with a ±1 sign (the hashing trick). Similar wording gives similar vectors; meaning
 * does not. It is instant and deterministic, which suits tests of storage, isolation and
 * concurrency, and scale benchmarks; use a model embedder for recall.
 */
export class HashingEmbedder implements TextEmbedder {
  readonly id: string;
  readonly dims: number;

  constructor(options: { dims?: number } = {}) {
    this.dims = options.dims ?? 256;
    this.id = `hashing:${this.dims}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dims);
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const features = [...words, ...words.slice(1).map((word, index) => `${words[index]} ${word}`)];
    for (const feature of features) {
      const digest = createHash("sha1").update(feature).digest();
      const bucket = digest.readUInt32LE(0) % this.dims;
      vector[bucket] = (vector[bucket] as number) + ((digest[4] as number) & 1 ? 1 : -1);
    }
    return normalize(vector);
  }
}
