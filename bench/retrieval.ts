// bench/retrieval: how fast and how good is the memory core's retrieval?
//
//   node dist/bench/retrieval.js [--sizes 10000,100000] [--queries 500] [--squad-questions 2] [--skip-squad]
//                                [--embedders hashing,minilm,smollm2]
//
// 1. Scale (synthetic 384-dimensional vectors in 64 clusters, random texts): p50/p99 latency of
//    the dense HNSW search and of the full hybrid search (FTS5 + HNSW + fusion), and the dense
//    recall@10 against exact (brute-force) search, at each size.
// 2. Write throughput of remember(): with the hashing embedder (no model), the default embedding
//    model (all-MiniLM-L6-v2) and the chat model's own embeddings (SmolLM2-135M).
// 3. SQuAD question -> passage recall@5 (train-passages.jsonl, never the evaluation set) for each
//    embedding option, dense alone and fused with BM25.
// Prints a table and writes bench/results/retrieval.{json,txt}.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureModel } from "../src/model/pull/ensure-model.js";
import { SealRuntime } from "../src/model/runtime.js";
import { MemoryStore } from "../src/memory/memory-store.js";
import type { UpdateRules } from "../src/memory/update-rules.js";
import type { TextEmbedder } from "../src/vector/embedder.js";
import { normalize } from "../src/vector/embedder.js";
import { HashingEmbedder } from "../src/vector/hashing-embedder.js";
import { ftsQuery } from "../src/vector/fts-query.js";
import { hybridSearch } from "../src/vector/hybrid-search.js";
import { LlamaEmbedder } from "../src/vector/llama-embedder.js";
import { TenantIndex, vectorToBlob } from "../src/vector/tenant-index.js";

const { values } = parseArgs({ options: { sizes: { type: "string", default: "10000,100000" }, queries: { type: "string", default: "500" }, "squad-questions": { type: "string", default: "2" }, "skip-squad": { type: "boolean" }, embedders: { type: "string", default: "hashing,minilm,smollm2" } } });
const SIZES = values.sizes.split(",").map(Number);
const QUERIES = Number(values.queries);
const DIMS = 384;
const work = await fs.mkdtemp(path.join(os.tmpdir(), "seal-bench-retrieval-"));
const lines: string[] = [];
const print = (line = "") => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

/** Every candidate is added as is: benchmarks measure retrieval, not the update rules. */
const addAlways: UpdateRules = { name: "add-always", subjectOf: () => undefined, decide: () => ({ action: "add" }) };

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

// ---- 1. scale ----
interface ScaleRow { size: number; denseP50: number; denseP99: number; hybridP50: number; hybridP99: number; recallAt10: number; loadSeconds: number; indexBuildSeconds: number }
const scale: ScaleRow[] = [];
const words = Array.from({ length: 5000 }, (_, index) => `w${index.toString(36)}`);
for (const size of SIZES) {
  const random = seeded(size);
  const centres = Array.from({ length: 64 }, () => normalize(Float32Array.from({ length: DIMS }, () => gaussian(random))));
  const vectors: Float32Array[] = [];
  const file = path.join(work, `scale-${size}.db`);
  const store = MemoryStore.open({ path: file, embedder: { id: "synthetic", dims: DIMS, embed: async () => [] } satisfies TextEmbedder });
  let started = performance.now();
  // Bulk load straight into the tables remember() writes (one transaction), so that large sizes
  // take seconds; the write path itself is measured in section 2.
  const tenant = Number(store.db.prepare("INSERT INTO tenants (namespace, created_at) VALUES ('bench', 0) RETURNING id").pluck().get());
  const insert = store.db.prepare("INSERT INTO memories (tenant_id, text, kind, durability, confidence, status, valid_from, recorded_at, embedding) VALUES (?, ?, 'fact', 'unknown', 1, 'active', 0, 0, ?)");
  const fts = store.db.prepare("INSERT INTO memories_fts (rowid, text) VALUES (?, ?)");
  const log = store.db.prepare("INSERT INTO vector_log (tenant_id, memory_id, op) VALUES (?, ?, 'add')");
  store.db.transaction(() => {
    for (let i = 0; i < size; i++) {
      const centre = centres[Math.floor(random() * centres.length)] as Float32Array;
      // a cluster centre plus noise of norm ~0.6: neighbours are close, as with real text embeddings
      const vector = normalize(Float32Array.from(centre, (value) => value + (0.6 * gaussian(random)) / Math.sqrt(DIMS)));
      vectors.push(vector);
      const text = Array.from({ length: 12 }, () => words[Math.floor(random() * words.length)]).join(" ");
      const id = Number(insert.run(tenant, text, vectorToBlob(vector)).lastInsertRowid);
      fts.run(id, text);
      log.run(tenant, id);
    }
  })();
  const loadSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const index = TenantIndex.open(store.db, tenant, DIMS, path.join(work, `scale-${size}.index`));
  const indexBuildSeconds = (performance.now() - started) / 1000;

  const dense: number[] = [];
  const hybrid: number[] = [];
  let found = 0;
  for (let q = 0; q < QUERIES; q++) {
    const target = vectors[Math.floor(random() * vectors.length)] as Float32Array;
    const query = normalize(Float32Array.from(target, (value) => value + (0.3 * gaussian(random)) / Math.sqrt(DIMS)));
    let t = performance.now();
    const hits = index.search(query, 10, () => true);
    dense.push(performance.now() - t);
    t = performance.now();
    hybridSearch(store.db, index, tenant, { text: `${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]}`, vector: query }, { limit: 10 });
    hybrid.push(performance.now() - t);
    // exact top-10 by brute force (ids are 1..size in insertion order)
    const exact = vectors
      .map((vector, i) => {
        let dot = 0;
        for (let d = 0; d < DIMS; d++) dot += (vector[d] as number) * (query[d] as number);
        return { id: i + 1, dot };
      })
      .sort((a, b) => b.dot - a.dot)
      .slice(0, 10);
    const got = new Set(hits.map((hit) => hit.id));
    found += exact.filter((entry) => got.has(entry.id)).length;
  }
  dense.sort((a, b) => a - b);
  hybrid.sort((a, b) => a - b);
  scale.push({ size, denseP50: percentile(dense, 50), denseP99: percentile(dense, 99), hybridP50: percentile(hybrid, 50), hybridP99: percentile(hybrid, 99), recallAt10: found / (QUERIES * 10), loadSeconds, indexBuildSeconds });
  store.close();
}

// ---- 2. write throughput ----
const wanted = new Set(values.embedders.split(","));
const embedders: TextEmbedder[] = [];
if (wanted.has("hashing")) embedders.push(new HashingEmbedder({ dims: DIMS }));
const llamaEmbedders: LlamaEmbedder[] = [];
if (wanted.has("minilm")) llamaEmbedders.push(await LlamaEmbedder.loadDefault());
if (wanted.has("smollm2")) llamaEmbedders.push(new LlamaEmbedder(await SealRuntime.load({ modelPath: (await ensureModel()).path })));
embedders.push(...llamaEmbedders);
const sentences = (await fs.readFile(path.resolve("../shared/data/squad-seal/train-passages.jsonl"), "utf8"))
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { id: string; context: string; questions: Array<{ question: string }> });
const writes: Array<{ embedder: string; count: number; perSecond: number }> = [];
for (const embedder of embedders) {
  const name = embedder instanceof HashingEmbedder ? "hashing (no model)" : embedder.id;
  const count = embedder instanceof HashingEmbedder ? 2000 : 200;
  const store = MemoryStore.open({ path: path.join(work, `writes-${writes.length}.db`), embedder, rules: addAlways });
  const started = performance.now();
  for (let i = 0; i < count; i++) await store.remember(["bench"], { text: (sentences[i % sentences.length]?.context ?? "").split(". ")[0] + ` (${i})` });
  writes.push({ embedder: name, count, perSecond: count / ((performance.now() - started) / 1000) });
  store.close();
}

// ---- 3. SQuAD question -> passage recall@5 ----
interface SquadRow { embedder: string; mode: string; recallAt5: number; questions: number; embedPassagesPerSecond?: number }
const squad: SquadRow[] = [];
if (!values["skip-squad"]) {
  const perPassage = Number(values["squad-questions"]);
  const questions = sentences.flatMap((passage) => passage.questions.slice(0, perPassage).map((question) => ({ question: question.question, passage: passage.id })));
  for (const embedder of embedders) {
    const store = MemoryStore.open({ path: path.join(work, `squad-${squad.length}.db`), embedder, rules: addAlways });
    const idOf = new Map<number, string>();
    const started = performance.now();
    for (const passage of sentences) idOf.set((await store.remember(["squad"], { text: passage.context.slice(0, 8000) })).memory.id, passage.id);
    const embedPassagesPerSecond = sentences.length / ((performance.now() - started) / 1000);
    const tenant = Number(store.db.prepare("SELECT id FROM tenants WHERE namespace = 'squad'").pluck().get());
    const index = TenantIndex.open(store.db, tenant, embedder.dims, undefined);
    const hitsFor = { dense: 0, bm25: 0, hybrid: 0 };
    const lexical = store.db.prepare("SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY bm25(memories_fts) LIMIT 5").pluck();
    for (const { question, passage } of questions) {
      const [vector] = await embedder.embed([question]);
      // each retriever on its own, then the fused list the store returns
      const dense = index.search(vector as Float32Array, 5, () => true).map((hit) => hit.id);
      const match = ftsQuery(question);
      const bm25 = match ? (lexical.all(match) as number[]) : [];
      const hybrid = hybridSearch(store.db, index, tenant, { text: question, vector: vector as Float32Array }, { limit: 5 }).map((hit) => hit.id);
      for (const [mode, ids] of [["dense", dense], ["bm25", bm25], ["hybrid", hybrid]] as const) if (ids.some((id) => idOf.get(id) === passage)) hitsFor[mode]++;
    }
    for (const mode of ["dense", "bm25", "hybrid"] as const) {
      if (mode === "bm25" && squad.some((row) => row.mode === "BM25 (FTS5)")) continue; // BM25 does not depend on the embedder
      squad.push({ embedder: mode === "bm25" ? "(none)" : embedder.id, mode: mode === "hybrid" ? "BM25 + dense (RRF)" : mode === "bm25" ? "BM25 (FTS5)" : "dense", recallAt5: hitsFor[mode] / questions.length, questions: questions.length, ...(mode === "dense" ? { embedPassagesPerSecond } : {}) });
    }
    store.close();
  }
}
for (const embedder of llamaEmbedders) {
  await embedder.dispose();
  await embedder.runtime.dispose();
}

print(`bench/retrieval on ${os.cpus()[0]?.model ?? "cpu"}, ${os.availableParallelism()} CPUs, ${QUERIES} queries per size`);
print();
print("| memories | dense p50 (ms) | dense p99 (ms) | hybrid p50 (ms) | hybrid p99 (ms) | dense recall@10 vs exact | bulk load (s) | index build (s) |");
print("|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const row of scale) print(`| ${row.size} | ${row.denseP50.toFixed(2)} | ${row.denseP99.toFixed(2)} | ${row.hybridP50.toFixed(2)} | ${row.hybridP99.toFixed(2)} | ${row.recallAt10.toFixed(3)} | ${row.loadSeconds.toFixed(1)} | ${row.indexBuildSeconds.toFixed(1)} |`);
print();
print("| remember() with | memories | per second |");
print("|---|---:|---:|");
for (const row of writes) print(`| ${row.embedder} | ${row.count} | ${row.perSecond.toFixed(1)} |`);
if (squad.length) {
  print();
  print(`SQuAD question -> passage, ${sentences.length} passages (train-passages.jsonl), ${squad[0]?.questions} questions`);
  print();
  print("| embedder | retrieval | recall@5 | passages embedded per second |");
  print("|---|---|---:|---:|");
  for (const row of squad) print(`| ${row.embedder} | ${row.mode} | ${row.recallAt5.toFixed(3)} | ${row.embedPassagesPerSecond?.toFixed(1) ?? ""} |`);
}
await fs.mkdir("bench/results", { recursive: true });
await fs.writeFile("bench/results/retrieval.txt", lines.join("\n") + "\n");
await fs.writeFile("bench/results/retrieval.json", JSON.stringify({ date: new Date().toISOString(), cpu: os.cpus()[0]?.model, scale, writes, squad }, null, 2) + "\n");
await fs.rm(work, { recursive: true, force: true });
