// The schema's CHECK constraints fix these values, so they live with the schema; the memory layer
// re-exports them as its public vocabulary.
export const MEMORY_KINDS = ["fact", "preference", "procedure", "event"] as const;
export const DURABILITIES = ["volatile", "durable", "unknown"] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];
export type Durability = (typeof DURABILITIES)[number];
export type MemoryStatus = "active" | "superseded" | "deleted" | "baked";

/** A `memories` row as SQLite returns it (times in ms, booleans as 0/1). */
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

// The embedding is left out: callers map rows to records, which never carry the vector.
export const MEMORY_COLUMNS = "id, tenant_id, item_key, text, value_json, subject, kind, durability, confidence, recurrence, pinned, status, valid_from, valid_to, recorded_at, retired_at, superseded_by, expires_at";
