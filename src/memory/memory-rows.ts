import type Database from "better-sqlite3";
import { episodeLinks } from "../store/memory-repository.js";
import type { MemoryRow } from "../store/memory-row.js";
import type { MemoryRecord } from "./memory-types.js";

export type { MemoryRow };

/** Rows -> records, with each memory's provenance (one query for all of them). */
export function toRecords(db: Database.Database, rows: MemoryRow[], namespace: string[]): MemoryRecord[] {
  if (rows.length === 0) return [];
  const provenance = new Map<number, number[]>();
  const links = episodeLinks(db, rows.map((row) => row.id));
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
