import type { MemoryCandidate, SimilarMemory, UpdateDecision, UpdateRules } from "../../src/api.js";
import { normalizeText, parseStatement, type Statement } from "./statement.js";

// Relations with one value at a time: a new value replaces the old. Others (likes, has, ...) can
// hold many values, so a new value is simply another memory.
const SINGLE_VALUED = new Set(["is", "are", "am", "was", "were", "lives in", "works at", "works as", "prefers"]);
const NEAR_DUPLICATE = 0.8;

function words(text: string): Set<string> {
  return new Set(normalizeText(text).split(" ").filter(Boolean));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

const subjectKey = (statement: Statement): string => `${statement.subject} ${statement.relation}`;

/**
 * The default update rules: no model needed, so they work the same on the 135M model as on any.
 * A candidate and an existing memory about the same subject and relation (parsed from the text):
 * - same value, same polarity: reinforce;
 * - same value, opposite polarity ("... is not X" against "... is X"): contradict, except that
 *   "no longer X" against "X" is an update (X has ended; history is kept);
 * - another value of a single-valued relation ("lives in", "is"): update (the old one is superseded).
 * Otherwise a near-duplicate wording (word overlap >= 0.8) reinforces, and anything else is added.
 */
export const statementRules: UpdateRules = {
  name: "statement-rules",
  subjectOf(text: string): string | undefined {
    const statement = parseStatement(text);
    return statement ? subjectKey(statement) : undefined;
  },
  decide(candidate: MemoryCandidate, similar: readonly SimilarMemory[]): UpdateDecision {
    const mine = parseStatement(candidate.text);
    if (mine) {
      const sameSubject = similar.flatMap((existing) => {
        const theirs = parseStatement(existing.text);
        return theirs && subjectKey(theirs) === subjectKey(mine) ? [{ existing, theirs }] : [];
      });
      // The same statement again reinforces it, even when a contradiction of it was recorded since:
      // "is sencha", "is not sencha", "is sencha" leaves two memories, not three.
      const same = sameSubject.find(({ theirs }) => theirs.value === mine.value && theirs.negated === mine.negated);
      if (same) return { action: "reinforce", targetId: same.existing.id, reason: "same subject and value" };
      for (const { existing, theirs } of sameSubject) {
        if (theirs.value === mine.value) {
          // "no longer lives in Porto" ends "lives in Porto"; "does not live in Porto" disputes it.
          return mine.ended && !theirs.negated
            ? { action: "update", targetId: existing.id, reason: `"${subjectKey(mine)} ${mine.value}" has ended` }
            : { action: "contradict", targetId: existing.id, reason: "same subject and value, opposite polarity" };
        }
        if (SINGLE_VALUED.has(mine.relation) && !mine.negated && !theirs.negated) {
          return { action: "update", targetId: existing.id, reason: `new value for "${subjectKey(mine)}"` };
        }
      }
    }
    const mineWords = words(candidate.text);
    for (const existing of similar) {
      if (jaccard(mineWords, words(existing.text)) >= NEAR_DUPLICATE) return { action: "reinforce", targetId: existing.id, reason: "near-duplicate wording" };
    }
    return { action: "add" };
  },
};
