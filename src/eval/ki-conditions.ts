import { SealError } from "../errors.js";
import type { KiPassage } from "./ki-data.js";

/**
 * The benchmark's conditions (SEAL's table):
 * - `base`: no update; `rag`: no update, the passage retrieved into the prompt;
 * - `passage`: train on the passage; `self`: on the passage and implications the model writes;
 * - `teacher`: on the passage and a writer's implications from the data file.
 */
export type KiCondition =
  | { kind: "base" }
  | { kind: "rag" }
  | { kind: "passage" }
  | { kind: "self" }
  | { kind: "teacher"; writer: string };

export function conditionName(condition: KiCondition): string {
  return condition.kind === "teacher" ? `teacher:${condition.writer}` : condition.kind;
}

export function trainsAdapter(condition: KiCondition): boolean {
  return condition.kind === "passage" || condition.kind === "self" || condition.kind === "teacher";
}

/** Parses `--conditions` (a comma list). `base` always runs: the log-probability gain is against it. */
export function parseConditions(list: string): KiCondition[] {
  const conditions: KiCondition[] = [{ kind: "base" }];
  for (const raw of list.split(",").map((item) => item.trim()).filter(Boolean)) {
    let condition: KiCondition;
    if (raw === "base" || raw === "rag" || raw === "passage" || raw === "self") condition = { kind: raw };
    else if (raw.startsWith("teacher:") && raw.length > "teacher:".length) condition = { kind: "teacher", writer: raw.slice("teacher:".length) };
    else {
      throw new SealError("INVALID_OPTIONS", `Unknown condition ${JSON.stringify(raw)}`, {
        hint: "Conditions: base, passage, self, rag, teacher:<writer> (a writer named in the data's selfEdits, e.g. teacher:gpt-4.1).",
      });
    }
    if (!conditions.some((existing) => conditionName(existing) === conditionName(condition))) conditions.push(condition);
  }
  return conditions;
}

/** Every passage must carry the writers the conditions name; the error names the first line without. */
export function checkWriters(passages: readonly KiPassage[], conditions: readonly KiCondition[], file: string): void {
  for (const condition of conditions) {
    if (condition.kind !== "teacher") continue;
    const missing = passages.find((passage) => (passage.selfEdits[condition.writer]?.length ?? 0) === 0);
    if (missing) {
      const known = [...new Set(passages.flatMap((passage) => Object.keys(passage.selfEdits)))];
      throw new SealError("BENCH_DATA_INVALID", `${file}:${missing.line}: passage ${missing.id} has no self-edits by writer ${JSON.stringify(condition.writer)}`, {
        hint: known.length ? `Writers in this file: ${known.join(", ")}.` : "This file has no selfEdits at all: use base, passage, self and rag.",
        context: { file, line: missing.line, writer: condition.writer },
      });
    }
  }
}
