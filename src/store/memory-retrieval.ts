import type Database from "better-sqlite3";

/** SQL condition (on alias m) for memories that hold now (not expired at `now`), or at `asOf` (ms). */
export function validityCondition(asOf: number | undefined, now: number = Date.now()): { sql: string; params: number[] } {
  if (asOf === undefined) return { sql: "m.status IN ('active', 'baked') AND (m.expires_at IS NULL OR m.expires_at > ?)", params: [now] };
  return { sql: "m.status != 'deleted' AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) AND m.recorded_at <= ?", params: [asOf, asOf, asOf] };
}

/** BM25 ranking (best first) of the tenant's memories valid now or at `asOf` that match an FTS5 query. */
export function lexicalMatchIds(db: Database.Database, query: { tenantId: number; match: string; asOf?: number; now: number; limit: number }): number[] {
  const validity = validityCondition(query.asOf, query.now);
  return db
    .prepare(`SELECT m.id FROM memories_fts JOIN memories m ON m.id = memories_fts.rowid WHERE memories_fts MATCH ? AND m.tenant_id = ? AND ${validity.sql} ORDER BY bm25(memories_fts) LIMIT ?`)
    .pluck()
    .all(query.match, query.tenantId, ...validity.params, query.limit) as number[];
}

// The partial index on expires_at keeps this small however many memories the tenant has.
export function expiredMemoryIds(db: Database.Database, tenantId: number, now: number): number[] {
  return db.prepare("SELECT id FROM memories WHERE tenant_id = ? AND expires_at IS NOT NULL AND expires_at <= ?").pluck().all(tenantId, now) as number[];
}

/** Exactly the ids valid at `asOf`: the vector index cannot tell, since it keeps superseded vectors. */
export function memoryIdsValidAt(db: Database.Database, tenantId: number, asOf: number): number[] {
  const validity = validityCondition(asOf);
  return db.prepare(`SELECT m.id FROM memories m WHERE m.tenant_id = ? AND ${validity.sql}`).pluck().all(tenantId, ...validity.params) as number[];
}
