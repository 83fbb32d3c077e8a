// What the `self` condition needs from consolidation: the product's writer, self-edit strategy and
// filters, so that the benchmark measures what the product bakes. eval must not import consolidate
// (consolidate imports eval), so these are structural copies of its plugin types, and the caller
// (the CLI's `bench ki`, or a test) injects the real ones: studentWriter, the implications
// strategy and filterSelfEdits.

import type { SealRuntime } from "../model/runtime.js";

/** A passage as a strategy and the filters see it (consolidation's `UnitText`). */
export interface KiUnit {
  title: string;
  text: string;
}

/** A chat prompt (consolidation's `WriterPrompt`). */
export interface KiWriterPrompt {
  system?: string;
  user: string;
}

/** One piece of training text (consolidation's `SelfEditItem`). */
export type KiSelfEditItem = { kind: "text"; text: string } | { kind: "qa"; question: string; answer: string };

/** Consolidation's `SelfEditWriter`. */
export interface KiSelfEditWriter {
  readonly id: string;
  write(prompt: KiWriterPrompt, sampling: { temperature: number; seed: number; maxTokens: number; signal?: AbortSignal }): Promise<string>;
  dispose?(): Promise<void>;
}

/** Consolidation's `SelfEditStrategy`. */
export interface KiSelfEditStrategy {
  readonly name: string;
  prompt(unit: KiUnit): KiWriterPrompt | undefined;
  parse(reply: string, unit: KiUnit): KiSelfEditItem[];
}

/** Consolidation's `filterSelfEdits`: a verdict per item, in order. */
export type KiSelfEditFilter = (items: readonly KiSelfEditItem[], unit: KiUnit) => Array<{ item: KiSelfEditItem; kept: boolean; reason?: string }>;

/** The product's self-edit pipeline, injected into `runKiBenchmark` for the `self` condition. */
export interface KiSelfEditTools {
  /** A writer on the benchmark's runtime (the product's `studentWriter`). Disposed before the runtime. */
  createWriter: (runtime: SealRuntime) => KiSelfEditWriter;
  /** The strategy whose prompt the writer answers and which parses its replies (the product's `implications`). */
  strategy: KiSelfEditStrategy;
  /** The product's filters (`filterSelfEdits`). */
  filter: KiSelfEditFilter;
}

/** What the filters did with one passage's self-edit items (`self`), as ki-results.json shows it. */
export interface KiSelfEditFiltering {
  writer: string;
  strategy: string;
  /** Items parsed from the writer's replies, over all samples. */
  items: number;
  kept: number;
  dropped: number;
  /** Dropped items per reason; a quoted name or number in a reason is replaced by "…" so that reasons group. */
  droppedBy: Record<string, number>;
  /** Every dropped item with its exact reason. */
  droppedItems: Array<{ text: string; reason: string }>;
}

export function isKiSelfEditTools(value: unknown): value is KiSelfEditTools {
  if (typeof value !== "object" || value === null) return false;
  const tools = value as Partial<KiSelfEditTools>;
  return (
    typeof tools.createWriter === "function" &&
    typeof tools.filter === "function" &&
    typeof tools.strategy === "object" &&
    tools.strategy !== null &&
    typeof tools.strategy.name === "string" &&
    typeof tools.strategy.prompt === "function" &&
    typeof tools.strategy.parse === "function"
  );
}

/** An item as one line of training text (a question-answer pair as the question, then the answer). */
export function selfEditItemText(item: KiSelfEditItem): string {
  return item.kind === "text" ? item.text : `${item.question}\n${item.answer}`;
}

/** A filter reason without the quoted name or number it cites: `names "Paris", not in the memories` -> `names "…", not in the memories`. */
export function reasonGroup(reason: string): string {
  return reason.replace(/"[^"]*"/g, '"…"');
}
