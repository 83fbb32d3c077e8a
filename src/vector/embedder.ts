/**
 * Turns texts into vectors for the dense half of retrieval. Implementations batch internally;
 * `id` names the model (and its settings) so that a store never mixes vectors from two embedders.
 */
export interface TextEmbedder {
  /** Stable name of the model and settings, e.g. `llama:SmolLM2-135M-Instruct.Q4_1`. */
  readonly id: string;
  readonly dims: number;
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}

/** Scales `vector` to unit length in place (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}
