// The plugin interfaces of consolidation: what to bake (selection), how to write training text
// for it (self-edit strategies), and who writes (writers). The built-in ones live in
// plugins/consolidation and are written against these types, exactly as a user's would be.

import type { MemoryRecord } from "../memory/memory-types.js";

/** A memory as the selection policy sees it. */
export interface SelectionInput {
  memory: MemoryRecord;
  /** It is one side of a contradiction nobody has resolved. */
  contradicted: boolean;
  /** It is in the tenant's active adapter already. */
  baked: boolean;
}

export type SelectionVerdict = "selected" | "skipped" | "flagged";

export interface SelectionDecision {
  memoryId: number;
  /** `flagged`: reads as an instruction to the assistant, never baked, shown in review. */
  decision: SelectionVerdict;
  /** Why, in a short sentence a reviewer reads ("durable fact, confidence 0.90"). */
  reason: string;
}

/** Decides which memories a run bakes. Must be deterministic: a resumed run decides the same. */
export interface SelectionPolicy {
  readonly name: string;
  decide(memories: readonly SelectionInput[], context: { now: number }): SelectionDecision[];
}

/** A unit as a strategy sees it: the memories of one subject. */
export interface UnitText {
  /** A short title (the subject, or the first words of the text). */
  title: string;
  /** The memories' text, one per line. */
  text: string;
}

/** A chat prompt for a writer. Memories are data: they go in the user message, never the system one. */
export interface WriterPrompt {
  system?: string;
  user: string;
}

/** One piece of training text: a line to learn, or a question with its answer. */
export type SelfEditItem = { kind: "text"; text: string } | { kind: "qa"; question: string; answer: string };

/** How to ask a writer for training text, and how to read its reply. */
export interface SelfEditStrategy {
  /** Stored with every self-edit: "implications", "rewrite", "qa", "text". */
  readonly name: string;
  /**
   * The prompt for one sample, or `undefined` for a strategy that needs no writer (the unit's
   * text alone).
   */
  prompt(unit: UnitText): WriterPrompt | undefined;
  /** The items in a writer's reply (or, without a prompt, made from the unit directly). */
  parse(reply: string, unit: UnitText): SelfEditItem[];
}

export interface WriterSampling {
  temperature: number;
  seed: number;
  maxTokens: number;
  signal?: AbortSignal;
}

/** Who writes self-edits: the student (default), another GGUF model, or an OpenAI-compatible endpoint. */
export interface SelfEditWriter {
  /** Stored with every self-edit ("student", "gguf:<file>", "openai:<model>"). */
  readonly id: string;
  write(prompt: WriterPrompt, sampling: WriterSampling): Promise<string>;
  /**
   * Throws (WRITER_FAILED) when the writer cannot write now, e.g. its endpoint does not answer or
   * answers something that is not a chat completion. Called before a run starts, so that nothing
   * is stored for a run that would stop at the write stage.
   */
  check?(signal?: AbortSignal): Promise<void>;
  dispose?(): Promise<void>;
}
