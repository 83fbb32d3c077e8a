import { SealError, type MemoryKind, type MemoryRecord } from "../../src/api.js";
import type { SelectionDecision, SelectionInput, SelectionPolicy } from "../../src/api.js";
import { looksLikeInstruction } from "./instruction-like.js";

export interface DurableSelectionOptions {
  /** Memories below this confidence stay in retrieval. 0..1, default 0.6. */
  minConfidence?: number;
  /** A memory of unknown durability is baked only once it was seen this many times. Default 2. */
  minRecurrence?: number;
  /** ... and only once it is this old (since it was recorded), in ms. Default one hour. */
  minAgeMs?: number;
  /**
   * The kinds that may be baked. Default: all four. An event is baked only when it was judged
   * durable ("the user's sister was born in Ostrevia"); other events are dated ("the user flew to
   * Lyon on 3 May") and stay in retrieval, where their date is shown with them.
   */
  kinds?: readonly MemoryKind[];
}

const DEFAULT_KINDS: readonly MemoryKind[] = ["fact", "preference", "procedure", "event"];
const HOUR_MS = 3_600_000;

/** "45 min", "3 h", "2 days": ages in reasons a reviewer reads. */
function formatAge(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < HOUR_MS) return `${Math.round(ms / 60_000)} min`;
  if (ms < 48 * HOUR_MS) return `${Math.round(ms / HOUR_MS)} h`;
  return `${Math.round(ms / (24 * HOUR_MS))} days`;
}

function invalid(option: string, value: unknown, rule: string): never {
  throw new SealError("INVALID_OPTIONS", `Invalid options for durableSelection: ${option} ${rule} (got ${JSON.stringify(value)})`, {
    hint: "See the consolidation options in the README.",
    context: { option, value },
  });
}

function checkOptions(options: DurableSelectionOptions): Required<DurableSelectionOptions> {
  const { minConfidence = 0.6, minRecurrence = 2, minAgeMs = HOUR_MS, kinds = DEFAULT_KINDS } = options;
  if (!(minConfidence >= 0 && minConfidence <= 1)) invalid("minConfidence", minConfidence, "must be between 0 and 1");
  if (!Number.isInteger(minRecurrence) || minRecurrence < 1) invalid("minRecurrence", minRecurrence, "must be an integer >= 1");
  if (!Number.isFinite(minAgeMs) || minAgeMs < 0) invalid("minAgeMs", minAgeMs, "must be a number of ms >= 0");
  if (!Array.isArray(kinds)) invalid("kinds", kinds, "must be an array of memory kinds");
  return { minConfidence, minRecurrence, minAgeMs, kinds: [...kinds] };
}

/** Why a memory that is not an instruction stays in retrieval, or `undefined` when it may be baked. */
function skipReason(input: SelectionInput, now: number, settings: Required<DurableSelectionOptions>): string | undefined {
  const memory: MemoryRecord = input.memory;
  // "baked" memories are active ones already trained into some version: whether they are in the
  // *active* adapter is the `baked` flag's call (after a rollback they may need baking again).
  if (memory.status !== "active" && memory.status !== "baked") return `not active (${memory.status})`;
  if (memory.expiresAt && memory.expiresAt.getTime() <= now) return "expired";
  if (memory.validTo && memory.validTo.getTime() <= now) return "no longer valid";
  if (memory.validFrom.getTime() > now) return "not valid yet";
  if (memory.durability === "volatile") return "volatile: stays in retrieval";
  // Pinning keeps a memory out of the weights: it stays in retrieval, word for word, where an edit
  // or a forget takes effect at once without a retrain.
  if (memory.pinned) return "pinned out";
  if (input.contradicted) return "in an unresolved contradiction";
  if (input.baked) return "already in the active adapter";
  if (memory.confidence < settings.minConfidence) return `confidence ${memory.confidence.toFixed(2)} below ${settings.minConfidence.toFixed(2)}`;
  if (memory.durability === "unknown") {
    if (memory.recurrence < settings.minRecurrence) return `durability unknown, seen ${memory.recurrence} time${memory.recurrence === 1 ? "" : "s"} (needs ${settings.minRecurrence})`;
    const age = now - memory.recordedAt.getTime();
    if (age < settings.minAgeMs) return `durability unknown, ${formatAge(age)} old (needs ${formatAge(settings.minAgeMs)})`;
  }
  if (memory.kind === "event" && memory.durability !== "durable") return "event: dated, stays in retrieval";
  if (!settings.kinds.includes(memory.kind)) return memory.kind === "event" ? "event: dated, stays in retrieval" : `${memory.kind}: kind not baked (kinds: ${settings.kinds.join(", ")})`;
  return undefined;
}

function selectedReason(memory: MemoryRecord): string {
  const confidence = `confidence ${memory.confidence.toFixed(2)}`;
  return memory.durability === "durable" ? `durable ${memory.kind}, ${confidence}` : `recurring ${memory.kind} (seen ${memory.recurrence} times), ${confidence}`;
}

/**
 * The default selection policy: bakes what is durable, confident, settled and not already baked;
 * flags instruction-like text; leaves everything else in retrieval. Needs no model, and decides
 * from its inputs and `now` alone, so a resumed run decides the same.
 */
export function durableSelection(options: DurableSelectionOptions = {}): SelectionPolicy {
  const settings = checkOptions(options);
  return {
    name: "durable",
    decide(memories: readonly SelectionInput[], context: { now: number }): SelectionDecision[] {
      return memories.map((input): SelectionDecision => {
        const memoryId = input.memory.id;
        const instruction = looksLikeInstruction(input.memory.text);
        if (instruction) return { memoryId, decision: "flagged", reason: `reads as an instruction: ${instruction}` };
        const skip = skipReason(input, context.now, settings);
        if (skip) return { memoryId, decision: "skipped", reason: skip };
        return { memoryId, decision: "selected", reason: selectedReason(input.memory) };
      });
    },
  };
}
