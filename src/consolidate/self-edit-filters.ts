// The checks between a writer's reply and training. A small writer repeats itself, copies the
// memories back, and invents names and numbers; training on that would bake noise, or worse,
// facts nobody stated. Each dropped item keeps a short reason, shown in review.

import { containsAnswer, normalizeAnswer } from "../eval/squad-grading.js";
import type { SelfEditItem, UnitText } from "./plugin-types.js";

/** Longer items are a writer's ramble, not one fact; they are dropped. */
export const MAX_SELF_EDIT_CHARS = 400;
/** A 4-gram this many times in one item is a loop, not a statement. */
const REPEATED_NGRAM = 3;
/** An item of at least this many words, mostly ("> half") one word, is a loop too. */
const MIN_WORDS_FOR_SHARE = 4;

export interface FilteredSelfEdit {
  item: SelfEditItem;
  kept: boolean;
  /** Why it was dropped ("duplicate", "repetitive", `names "Paris", not in the memories`). */
  reason?: string;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
/** Numbers whole ("7:30", "1,000", "10am"), then words ("Ana's", "TP1234"). */
const TOKEN = /\d+(?:[.,:/-]\d+)*\p{L}*|\p{L}[\p{L}\p{N}'’-]*/gu;
const POSSESSIVE = /['’]s$/u;
/** "I", "I'm", "I've": capitalised but never a name. */
const FIRST_PERSON = /^I(?:['’](?:m|ve|d|ll))?$/u;

function itemText(item: SelfEditItem): string {
  return item.kind === "text" ? item.text : `${item.question} ${item.answer}`;
}

function itemKey(item: SelfEditItem): string {
  return item.kind === "text" ? normalizeAnswer(item.text) : `q ${normalizeAnswer(item.question)} a ${normalizeAnswer(item.answer)}`;
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The same 4-gram several times, a sentence said twice, or mostly one word. */
function isRepetitive(text: string): boolean {
  const words = wordsOf(text);
  const ngrams = new Map<string, number>();
  for (let i = 0; i + 4 <= words.length; i++) {
    const gram = words.slice(i, i + 4).join(" ");
    const count = (ngrams.get(gram) ?? 0) + 1;
    if (count >= REPEATED_NGRAM) return true;
    ngrams.set(gram, count);
  }
  const sentences = text.split(/(?<=[.!?])\s+/).map(normalizeAnswer).filter(Boolean);
  if (new Set(sentences).size < sentences.length) return true;
  if (words.length < MIN_WORDS_FOR_SHARE) return false;
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return Math.max(...counts.values()) > words.length / 2;
}

/** True when the word at `index` opens a sentence: nothing but quotes and markers since a full stop. */
function opensSentence(text: string, index: number): boolean {
  const before = text.slice(0, index).replace(/[\s"'“‘(\[*•–—-]+$/u, "");
  return before === "" || /[.!?:\n]$/.test(before);
}

/** The first name or number in `text` that the memories do not contain, as written. */
function unknownName(text: string, known: { words: Set<string>; digits: Set<string> }): string | undefined {
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (/\d/.test(token)) {
      // Digit runs, so that "1,000" and "1000" or "7:30" and "7.30" read alike.
      if ((token.match(/\d+/g) ?? []).some((run) => !known.digits.has(run))) return token;
    } else if (/^\p{Lu}/u.test(token) && !FIRST_PERSON.test(token) && !opensSentence(text, match.index)) {
      const bare = token.replace(POSSESSIVE, "");
      if (!known.words.has(bare.toLowerCase())) return bare;
    }
  }
  return undefined;
}

function whyDropped(item: SelfEditItem, unit: UnitText, known: { words: Set<string>; digits: Set<string> }, seen: Set<string>, unitLines: Set<string>): string | undefined {
  const text = itemText(item);
  if (text.length > MAX_SELF_EDIT_CHARS) return `over ${MAX_SELF_EDIT_CHARS} characters`;
  if (item.kind === "qa") {
    if (!normalizeAnswer(item.question)) return "empty question";
    if (!normalizeAnswer(item.answer)) return "empty answer";
  } else if (!normalizeAnswer(item.text)) {
    return "empty";
  }
  if (isRepetitive(text)) return "repetitive";
  const key = itemKey(item);
  if (seen.has(key)) return "duplicate";
  if (unitLines.has(key)) return "same as a memory";
  const parts = item.kind === "text" ? [item.text] : [item.question, item.answer];
  for (const part of parts) {
    const name = unknownName(part, known);
    if (name) return `names "${name}", not in the memories`;
  }
  if (item.kind === "qa" && !containsAnswer(unit.text, item.answer)) return `answer "${item.answer}" is not in the memories`;
  return undefined;
}

/**
 * Which self-edit items of one unit to train on, in their order. Dropped: items over 400
 * characters, empty ones, repetitive ones, duplicates (of an earlier kept item, or of a memory's
 * own line: the memories are trained on anyway), items naming a proper noun (a capitalised word
 * inside a sentence) or a number the memories do not contain, and question-answer pairs whose
 * answer is not in the memories.
 */
export function filterSelfEdits(items: readonly SelfEditItem[], unit: UnitText): FilteredSelfEdit[] {
  const known = {
    words: new Set(wordsOf(unit.text).map((word) => word.replace(POSSESSIVE, ""))),
    digits: new Set(unit.text.match(/\d+/g) ?? []),
  };
  const unitLines = new Set(unit.text.split("\n").map(normalizeAnswer).filter(Boolean));
  const seen = new Set<string>();
  return items.map((item) => {
    const reason = whyDropped(item, unit, known, seen, unitLines);
    if (reason !== undefined) return { item, kept: false, reason };
    seen.add(itemKey(item));
    return { item, kept: true };
  });
}
