import type Database from "better-sqlite3";
import { MEMORY_COLUMNS, type Durability, type MemoryKind, type MemoryRow, type MemoryStatus } from "./memory-row.js";

export interface NewMemory {
  tenantId: number;
  itemKey: string | null;
  text: string;
  valueJson: string | null;
  subject: string | null;
  kind: MemoryKind;
  durability: Durability;
  confidence: number;
  pinned: boolean;
  validFrom: number;
  recordedAt: number;
  /** Float32 vector as a BLOB. */
  embedding: Buffer;
  expiresAt: number | null;
}

/** Inserts an active memory together with its FTS row and its `add` in the vector log, so both retrievers see it from the same commit. */
export function insertMemory(db: Database.Database, memory: NewMemory): number {
  const id = Number(
    db
      .prepare("INSERT INTO memories (tenant_id, item_key, text, value_json, subject, kind, durability, confidence, pinned, status, valid_from, recorded_at, embedding, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)")
      .run(memory.tenantId, memory.itemKey, memory.text, memory.valueJson, memory.subject, memory.kind, memory.durability, memory.confidence, memory.pinned ? 1 : 0, memory.validFrom, memory.recordedAt, memory.embedding, memory.expiresAt).lastInsertRowid,
  );
  db.prepare("INSERT INTO memories_fts (rowid, text) VALUES (?, ?)").run(id, memory.text);
  db.prepare("INSERT INTO vector_log (tenant_id, memory_id, op) VALUES (?, ?, 'add')").run(memory.tenantId, id);
  return id;
}

/** Undefined when the memory does not exist in this tenant. */
export function memoryStatus(db: Database.Database, tenantId: number, id: number): MemoryStatus | undefined {
  return db.prepare("SELECT status FROM memories WHERE id = ? AND tenant_id = ?").pluck().get(id, tenantId) as MemoryStatus | undefined;
}

/** The rows among `ids` that belong to the tenant stored under `namespaceKey`, in no particular order. */
export function memoryRowsByIds(db: Database.Database, namespaceKey: string, ids: number[]): MemoryRow[] {
  return db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id IN (${ids.map(() => "?").join(",")}) AND tenant_id = (SELECT id FROM tenants WHERE namespace = ?)`).all(...ids, namespaceKey) as MemoryRow[];
}

/** Oldest first. `unexpiredAt` leaves out memories expired by then; a `limit` of -1 means none. */
export function listMemoryRows(db: Database.Database, tenantId: number, options: { status: MemoryStatus; unexpiredAt?: number; limit: number; offset: number }): MemoryRow[] {
  const hideExpired = options.unexpiredAt !== undefined;
  return db
    .prepare(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE tenant_id = ? AND status = ? ${hideExpired ? "AND (expires_at IS NULL OR expires_at > ?)" : ""} ORDER BY id LIMIT ? OFFSET ?`)
    .all(tenantId, options.status, ...(hideExpired ? [options.unexpiredAt] : []), options.limit, options.offset) as MemoryRow[];
}

/** Newest first, for the tenant stored under `namespaceKey`. */
export function activeRowsNewestFirst(db: Database.Database, namespaceKey: string): MemoryRow[] {
  return db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE tenant_id = (SELECT id FROM tenants WHERE namespace = ?) AND status = 'active' ORDER BY recorded_at DESC, id DESC`).all(namespaceKey) as MemoryRow[];
}

/** The LangGraph store item under `key` (a unique index allows one active per tenant). */
export function activeItemRow(db: Database.Database, tenantId: number, key: string): MemoryRow | undefined {
  return (db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE tenant_id = ? AND item_key = ? AND status = 'active'`).all(tenantId, key) as MemoryRow[])[0];
}

export function activeItemId(db: Database.Database, tenantId: number, key: string): number | undefined {
  return db.prepare("SELECT id FROM memories WHERE tenant_id = ? AND item_key = ? AND status = 'active'").pluck().get(tenantId, key) as number | undefined;
}

/** Every memory not yet erased, in any other status. */
export function unerasedMemoryIds(db: Database.Database, tenantId: number): number[] {
  return db.prepare("SELECT id FROM memories WHERE tenant_id = ? AND status != 'deleted'").pluck().all(tenantId) as number[];
}

export function expiredActiveIds(db: Database.Database, tenantId: number, now: number): number[] {
  return db.prepare("SELECT id FROM memories WHERE tenant_id = ? AND status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?").pluck().all(tenantId, now) as number[];
}

/** Newest first. */
export function activeIdsWithSubject(db: Database.Database, tenantId: number, subject: string, limit: number): number[] {
  return db.prepare("SELECT id FROM memories WHERE tenant_id = ? AND subject = ? AND status = 'active' ORDER BY id DESC LIMIT ?").pluck().all(tenantId, subject, limit) as number[];
}

/** One more recurrence; the confidence only ever rises. */
export function reinforceMemory(db: Database.Database, id: number, confidence: number): void {
  db.prepare("UPDATE memories SET recurrence = recurrence + 1, confidence = MAX(confidence, ?) WHERE id = ?").run(confidence, id);
}

export function setItemKey(db: Database.Database, id: number, key: string): void {
  db.prepare("UPDATE memories SET item_key = ? WHERE id = ?").run(key, id);
}

/**
 * The old memory stops being valid when the new one starts, gives up its item key (the unique
 * index allows one active holder) and is retired in the vector log, where `asOf` searches still
 * find it.
 */
export function supersedeMemory(db: Database.Database, change: { tenantId: number; oldId: number; newId: number; retiredAt: number }): void {
  const validFrom = db.prepare("SELECT valid_from FROM memories WHERE id = ?").pluck().get(change.newId) as number;
  db.prepare("UPDATE memories SET status = 'superseded', valid_to = ?, retired_at = ?, superseded_by = ?, item_key = NULL WHERE id = ?").run(validFrom, change.retiredAt, change.newId, change.oldId);
  db.prepare("INSERT INTO vector_log (tenant_id, memory_id, op) VALUES (?, ?, 'retire')").run(change.tenantId, change.oldId);
}

/**
 * Overwrites the memory's text, value, subject and vector (secure_delete makes that physical),
 * removes its FTS row and logs the delete so every index file drops the vector. The row stays,
 * with status `deleted`, so ids in the audit log still resolve.
 */
export function eraseMemory(db: Database.Database, erase: { tenantId: number; id: number; retiredAt: number; validTo: number }): void {
  db.prepare("UPDATE memories SET text = NULL, value_json = NULL, subject = NULL, embedding = NULL, item_key = NULL, status = 'deleted', retired_at = ?, valid_to = COALESCE(valid_to, ?) WHERE id = ?").run(erase.retiredAt, erase.validTo, erase.id);
  db.prepare("DELETE FROM memories_fts WHERE rowid = ?").run(erase.id);
  db.prepare("INSERT INTO vector_log (tenant_id, memory_id, op) VALUES (?, ?, 'delete')").run(erase.tenantId, erase.id);
}

/** Provenance; linking an episode twice is a no-op. */
export function linkEpisodes(db: Database.Database, memoryId: number, episodeIds: number[]): void {
  for (const episode of episodeIds) db.prepare("INSERT OR IGNORE INTO memory_episodes (memory_id, episode_id) VALUES (?, ?)").run(memoryId, episode);
}

export function linkedEpisodeIds(db: Database.Database, memoryId: number): number[] {
  return db.prepare("SELECT episode_id FROM memory_episodes WHERE memory_id = ?").pluck().all(memoryId) as number[];
}

/** The provenance of several memories in one query, episode ids ascending. */
export function episodeLinks(db: Database.Database, memoryIds: number[]): Array<{ memory_id: number; episode_id: number }> {
  return db.prepare(`SELECT memory_id, episode_id FROM memory_episodes WHERE memory_id IN (${memoryIds.map(() => "?").join(",")}) ORDER BY episode_id`).all(...memoryIds) as Array<{ memory_id: number; episode_id: number }>;
}

export function recordContradiction(db: Database.Database, contradiction: { tenantId: number; memoryId: number; conflictsWith: number; recordedAt: number }): void {
  db.prepare("INSERT INTO contradictions (tenant_id, memory_id, conflicts_with, recorded_at) VALUES (?, ?, ?, ?)").run(contradiction.tenantId, contradiction.memoryId, contradiction.conflictsWith, contradiction.recordedAt);
}
