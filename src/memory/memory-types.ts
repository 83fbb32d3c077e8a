import type { Durability, MemoryKind, MemoryStatus } from "../store/memory-row.js";
import type { Namespace } from "../store/tenants.js";

export { DURABILITIES, MEMORY_KINDS, type Durability, type MemoryKind, type MemoryStatus } from "../store/memory-row.js";

/** A memory as stored. Times are Dates; `validTo`/`retiredAt` are absent while it still holds. */
export interface MemoryRecord {
  id: number;
  namespace: string[];
  text: string;
  /** The LangGraph store key and value, for memories written through `SealStore`. */
  key?: string;
  value?: Record<string, unknown>;
  subject?: string;
  kind: MemoryKind;
  durability: Durability;
  confidence: number;
  recurrence: number;
  pinned: boolean;
  status: MemoryStatus;
  validFrom: Date;
  validTo?: Date;
  recordedAt: Date;
  retiredAt?: Date;
  supersededBy?: number;
  /** When a volatile memory stops being retrieved (see the store's `volatileTtlMs`). */
  expiresAt?: Date;
  /** Provenance: the episodes this memory came from. */
  episodeIds: number[];
}

export interface RememberInput {
  text: string;
  /** Defaults to `"fact"`. */
  kind?: MemoryKind;
  /** Defaults to `"unknown"`. */
  durability?: Durability;
  /** 0..1. Defaults to `0.7`. */
  confidence?: number;
  /** What the memory is about; the update rules derive it from the text when absent. */
  subject?: string;
  /** When it became true. Defaults to now. */
  validFrom?: Date;
  /** Episodes it came from. */
  episodeIds?: number[];
  pinned?: boolean;
  /** When it stops being retrieved. Defaults to now + the store's `volatileTtlMs` for volatile memories, never for others. */
  expiresAt?: Date;
}

export type UpdateAction = "add" | "update" | "reinforce" | "contradict";

export interface RememberResult {
  action: UpdateAction;
  /** The memory written (add, update, contradict) or reinforced. */
  memory: MemoryRecord;
  /** update: the superseded memory; contradict: the one it conflicts with. */
  relatedId?: number;
}

export interface SearchOptions {
  /** 1 to 1000. Defaults to `5`. */
  limit?: number;
  /** Search what was valid at this time instead of now (superseded memories included then). */
  asOf?: Date;
}

export interface MemorySearchResult {
  memory: MemoryRecord;
  /** Reciprocal-rank-fusion score (higher is better). */
  score: number;
  /** 1-based ranks in each retriever, when it found the memory. */
  bm25Rank?: number;
  denseRank?: number;
  /** Cosine similarity from the dense retriever. */
  similarity?: number;
}

/** What `forget()` did: erased the memory now, or found it already erased (nothing to do). */
export interface ForgetResult {
  id: number;
  status: "forgotten" | "already-deleted";
  /**
   * When adapters had been trained on it: the versions now tainted (their files deleted) and, when
   * the served one was among them, what is served instead (0: the base model). A full retrain
   * without it is queued for the next consolidation.
   */
  weights?: { tainted: number[]; fallback?: { from: number; to: number } };
}

export type { Namespace };
