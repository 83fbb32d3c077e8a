import type Database from "better-sqlite3";
import type { MemoryKind, MemoryRecord, MemoryStatus, Durability } from "./memory-types.js";

export interface MemoryRow {
  id: number;
  tenant_id: number;
  item_key: string | null;
  text: string | null;
  value_json: string | null;
  subject: string | null;
  kind: MemoryKind;
  durability: Durability;
  confidence: number;
  recurrence: number;
  pinned: number;
  status: MemoryStatus;
  valid_from: number;
  valid_to: number | null;
  recorded_at: number;
  retired_at: number | null;
  superseded_by: number | null;
  expires_at: number | null;
}

export const MEMORY_COLUMNS = "id, tenant_id, item_key, text, value_json, subject, kind, durability, confidence, recurrence, pinned, status, valid_from, valid_to, recorded_at, retired_at, superseded_by, expires_at";

/** Rows -> records, with each memory's provenance (one query for all of them). */
export function toRecords(db: Database.Database, rows: MemoryRow[], namespace: string[]): MemoryRecord[] {
  if (rows.length === 0) return [];
  const provenance = new Map<number, number[]>();
  const links = db.prepare(`SELECT memory_id, episode_id FROM memory_episodes WHERE memory_id IN (${rows.map(() => "?").join(",")}) ORDER BY episode_id`).all(...rows.map((row) => row.id)) as Array<{ memory_id: number; episode_id: number }>;
  for (const link of links) provenance.set(link.memory_id, [...(provenance.get(link.memory_id) ?? []), link.episode_id]);
  return rows.map((row) => ({
    id: row.id,
    namespace,
    text: row.text ?? "",
    ...(row.item_key !== null ? { key: row.item_key } : {}),
    ...(row.value_json !== null ? { value: JSON.parse(row.value_json) as Record<string, unknown> } : {}),
    ...(row.subject !== null ? { subject: row.subject } : {}),
    kind: row.kind,
    durability: row.durability,
    confidence: row.confidence,
    recurrence: row.recurrence,
    pinned: row.pinned === 1,
    status: row.status,
    validFrom: new Date(row.valid_from),
    ...(row.valid_to !== null ? { validTo: new Date(row.valid_to) } : {}),
    recordedAt: new Date(row.recorded_at),
    ...(row.retired_at !== null ? { retiredAt: new Date(row.retired_at) } : {}),
    ...(row.superseded_by !== null ? { supersededBy: row.superseded_by } : {}),
    ...(row.expires_at !== null ? { expiresAt: new Date(row.expires_at) } : {}),
    episodeIds: provenance.get(row.id) ?? [],
  }));
}

/** SQL condition (on alias m) for memories that hold now (not expired at `now`), or at `asOf` (ms). */
export function validityCondition(asOf: number | undefined, now: number = Date.now()): { sql: string; params: number[] } {
  if (asOf === undefined) return { sql: "m.status IN ('active', 'baked') AND (m.expires_at IS NULL OR m.expires_at > ?)", params: [now] };
  return { sql: "m.status != 'deleted' AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) AND m.recorded_at <= ?", params: [asOf, asOf, asOf] };
}
