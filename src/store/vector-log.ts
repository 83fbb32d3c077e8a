import type Database from "better-sqlite3";

export type VectorLogOp = "add" | "retire" | "delete";

/** The tenant's log entries after `seq`, in commit order: what an index replays to catch up. */
export function vectorLogSince(db: Database.Database, tenantId: number, seq: number): Array<{ seq: number; id: number; op: VectorLogOp }> {
  return db.prepare("SELECT seq, memory_id AS id, op FROM vector_log WHERE tenant_id = ? AND seq > ? ORDER BY seq").all(tenantId, seq) as Array<{ seq: number; id: number; op: VectorLogOp }>;
}

/** The tenant's newest log position (0 before any entry). */
export function vectorLogEnd(db: Database.Database, tenantId: number): number {
  return Number(db.prepare("SELECT COALESCE(MAX(seq), 0) FROM vector_log WHERE tenant_id = ?").pluck().get(tenantId));
}

/** Reads one memory's embedding, undefined or null once erased; prepared once because a replay calls it per entry. */
export function embeddingReader(db: Database.Database, tenantId: number): (id: number) => Buffer | null | undefined {
  const statement = db.prepare("SELECT embedding FROM memories WHERE id = ? AND tenant_id = ? AND status != 'deleted'").pluck();
  return (id) => statement.get(id, tenantId) as Buffer | null | undefined;
}

/** Today's status of every memory added up to `seq`: which labels of an index file written then are still live. */
export function statusesAddedUpTo(db: Database.Database, tenantId: number, seq: number): Array<{ id: number; status: string }> {
  return db.prepare("SELECT id, status FROM memories WHERE tenant_id = ? AND id IN (SELECT memory_id FROM vector_log WHERE tenant_id = ? AND seq <= ? AND op = 'add')").all(tenantId, tenantId, seq) as Array<{ id: number; status: string }>;
}

/** Every vector an index rebuilt from scratch holds (superseded ones included, for `asOf`). */
export function unerasedEmbeddings(db: Database.Database, tenantId: number): Array<{ id: number; status: string; embedding: Buffer }> {
  return db.prepare("SELECT id, status, embedding FROM memories WHERE tenant_id = ? AND status != 'deleted' AND embedding IS NOT NULL").all(tenantId) as Array<{ id: number; status: string; embedding: Buffer }>;
}
