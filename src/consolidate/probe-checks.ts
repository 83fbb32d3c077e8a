// A probe tests that a memory is known without the memory in the context. That only works when
// the answer comes from the memory itself (so grading is against what was stated, not what a
// writer imagined) and the question does not give the answer away.

import { containsAnswer, normalizeAnswer } from "../eval/squad-grading.js";

export interface Probe {
  question: string;
  answer: string;
}

export const MAX_ANSWER_WORDS = 8;
/** Questions at or over this many characters are rejected: a probe asks one thing. */
export const MAX_QUESTION_CHARS = 200;
/** The blank of a fill-in-the-blank question. */
export const BLANK = "___";

/** Lower case, straight quotes, single spaces: how "a span of the memory" is compared. */
function spanForm(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

/** The words alone, without any script's punctuation ("。" too): for "is it the whole memory?". */
function contentOf(text: string): string {
  return spanForm(text.replace(/[\p{P}\p{S}]+/gu, " "));
}

/** `answer` occurs in `memory` on word boundaries ("Port" is not a span of "Porto"). */
function isSpan(memory: string, answer: string): boolean {
  const haystack = spanForm(memory);
  const needle = spanForm(answer);
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = haystack[at - 1];
    const after = haystack[at + needle.length];
    const wordChar = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}]/u.test(char);
    const startsWord = /^[\p{L}\p{N}]/u.test(needle);
    const endsWord = /[\p{L}\p{N}]$/u.test(needle);
    if (!(startsWord && wordChar(before)) && !(endsWord && wordChar(after))) return true;
  }
  return false;
}

/** Why a probe is unusable for this memory, or `undefined` when it is valid. */
const GENERIC_ANSWERS = new Set(["user", "users", "user s", "i", "me", "my", "you", "we"]);

export function checkProbe(memoryText: string, probe: Probe): string | undefined {
  const question = probe.question.trim();
  const answer = probe.answer.trim();
  if (!question) return "empty question";
  if (!normalizeAnswer(answer)) return "empty answer";
  const words = answer.split(/\s+/).length;
  if (words > MAX_ANSWER_WORDS) return `answer has ${words} words (at most ${MAX_ANSWER_WORDS})`;
  if (!isSpan(memoryText, answer)) return "answer is not a span of the memory";
  if (contentOf(answer) === contentOf(memoryText)) return "answer is the whole memory";
  // Every memory the front door stores is about "the user": a probe answered by that tests nothing.
  if (GENERIC_ANSWERS.has(normalizeAnswer(answer))) return "answer is who every memory is about";
  if (containsAnswer(question, answer)) return "question contains the answer";
  if (!question.endsWith("?") && !question.includes(BLANK)) return `question neither ends with "?" nor has a "${BLANK}" blank`;
  if (question.length >= MAX_QUESTION_CHARS) return `question is ${question.length} characters (under ${MAX_QUESTION_CHARS})`;
  return undefined;
}
