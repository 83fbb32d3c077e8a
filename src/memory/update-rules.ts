import type { Durability, MemoryKind, UpdateAction } from "./memory-types.js";

/** A new memory, before the rules decide what it does to the existing ones. */
export interface MemoryCandidate {
  text: string;
  kind: MemoryKind;
  durability: Durability;
  subject?: string;
}

/** An existing active memory of the same tenant that resembles the candidate. */
export interface SimilarMemory {
  id: number;
  text: string;
  subject?: string;
  kind: MemoryKind;
  recurrence: number;
  /** Cosine similarity of the embeddings, when the dense retriever found it. */
  similarity?: number;
}

export type UpdateDecision = { action: "add"; reason?: string } | { action: Exclude<UpdateAction, "add">; targetId: number; reason?: string };

/**
 * The plugin interface for update decisions (see `plugins/memory-rules`). `decide` sees the
 * candidate and up to ten similar active memories of the same tenant (same subject first, then by
 * hybrid retrieval) and says whether the candidate is new, replaces one, repeats one, or
 * contradicts one. It may be async (e.g. ask a model).
 */
export interface UpdateRules {
  readonly name: string;
  /** What a text is about ("the user's favourite colour"), used to find memories it may replace. */
  subjectOf(text: string): string | undefined;
  decide(candidate: MemoryCandidate, similar: readonly SimilarMemory[]): UpdateDecision | Promise<UpdateDecision>;
}
