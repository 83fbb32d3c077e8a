import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMBEDDING_MODEL } from "../../src/model/embedding-model.js";
import { LlamaEmbedder } from "../../src/vector/llama-embedder.js";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * (b[index] as number), 0);

describe("the default embedder (all-MiniLM-L6-v2 GGUF)", () => {
  let embedder: LlamaEmbedder;
  beforeAll(async () => {
    embedder = await LlamaEmbedder.loadDefault();
  }, 180_000);
  afterAll(async () => {
    await embedder?.dispose();
  });

  it("loads with the pinned model's shape", () => {
    expect(embedder.id).toBe("llama:all-MiniLM-L6-v2.Q8_0");
    expect(embedder.dims).toBe(EMBEDDING_MODEL.dims);
    expect(embedder.maxTokens).toBe(509);
  });

  it("matches paraphrases that share no content words with the query", async () => {
    const memories = ["The user works as a marine biologist.", "Priya's flat is in Lisbon.", "The user is allergic to peanuts."];
    const queries = ["What is my job?", "Which city is my home?", "Which foods should I avoid?"];
    const vectors = await embedder.embed([...memories, ...queries]);
    for (let q = 0; q < queries.length; q++) {
      const query = vectors[memories.length + q] as Float32Array;
      const scores = memories.map((_, m) => dot(query, vectors[m] as Float32Array));
      expect(scores.indexOf(Math.max(...scores)), `${queries[q]} -> ${scores.map((s) => s.toFixed(3)).join(", ")}`).toBe(q);
    }
  });

  it("embeds a text far longer than the model's context by cutting it, with unit length", async () => {
    const [vector] = await embedder.embed(["memory ".repeat(4000)]);
    expect(vector).toHaveLength(EMBEDDING_MODEL.dims);
    expect(Math.abs(dot(vector as Float32Array, vector as Float32Array) - 1)).toBeLessThan(1e-4);
  });
});
