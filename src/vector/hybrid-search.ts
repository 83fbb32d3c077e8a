import type Database from "better-sqlite3";
import { expiredMemoryIds, lexicalMatchIds, memoryIdsValidAt } from "../store/memory-retrieval.js";
import { ftsQuery } from "./fts-query.js";
import type { TenantIndex } from "./tenant-index.js";

export interface HybridHit {
  id: number;
  score: number;
  bm25Rank?: number;
  denseRank?: number;
  similarity?: number;
}

/** Reciprocal rank fusion's constant: 60, as in Cormack et al. (2009). */
const RRF_K = 60;

/**
 * BM25 (SQLite FTS5) and dense (HNSW) results for one tenant, each filtered to the memories valid
 * now (or at `asOf`), fused by reciprocal rank. Each retriever contributes up to `depth` results.
 */
export function hybridSearch(db: Database.Database, index: TenantIndex, tenantId: number, query: { text: string; vector: Float32Array }, options: { limit: number; asOf?: number; now?: number }): HybridHit[] {
  const depth = Math.max(20, options.limit * 4);
  const now = options.now ?? Date.now();
  const hits = new Map<number, HybridHit>();
  const hit = (id: number): HybridHit => {
    let entry = hits.get(id);
    if (!entry) hits.set(id, (entry = { id, score: 0 }));
    return entry;
  };

  const match = ftsQuery(query.text);
  if (match) {
    const lexical = lexicalMatchIds(db, { tenantId, match, asOf: options.asOf, now, limit: depth });
    lexical.forEach((id, rank) => {
      const entry = hit(id);
      entry.bm25Rank = rank + 1;
      entry.score += 1 / (RRF_K + rank + 1);
    });
  }

  // Present: every live vector that is not retired. Past: exactly the ids SQLite says were valid.
  // Expired volatile memories are still in the index.
  let allow: (id: number) => boolean;
  if (options.asOf === undefined) {
    const expired = new Set(expiredMemoryIds(db, tenantId, now));
    allow = (id) => !index.retired.has(id) && !expired.has(id);
  } else {
    const valid = new Set(memoryIdsValidAt(db, tenantId, options.asOf));
    allow = (id) => valid.has(id);
  }
  index.search(query.vector, depth, allow).forEach((neighbour, rank) => {
    const entry = hit(neighbour.id);
    entry.denseRank = rank + 1;
    entry.similarity = 1 - neighbour.distance;
    entry.score += 1 / (RRF_K + rank + 1);
  });

  return [...hits.values()].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, options.limit);
}
