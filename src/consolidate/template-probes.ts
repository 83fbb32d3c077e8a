// Probes without a model: the fallback when the model's probes fail their checks, and the probes
// of a dry run. Blanking a span of the memory ("Ana lives in ___.") always yields a question whose
// answer is a span of the memory, which is what grading needs; compromise's tags say which spans are
// worth asking about (names, numbers, noun phrases) and when a wh-question can be formed.

import nlp from "compromise";
import { BLANK, MAX_QUESTION_CHARS, checkProbe, type Probe } from "./probe-checks.js";

/** At most this many probes per memory: each one is graded on every later run. */
const MAX_PROBES = 3;
/** Single-word blanks are used only to reach this many. */
const MIN_PROBES = 2;

interface Term {
  text: string;
  tags: ReadonlySet<string>;
  /** Offsets of the word itself (no surrounding punctuation) in the memory text. */
  start: number;
  end: number;
  /** Punctuation and space after it. */
  post: string;
}

interface Span {
  start: number;
  end: number;
  /** A name or number run (what a reader would call "the key fact"), or a noun phrase. */
  key: boolean;
}

interface Sentence {
  start: number;
  end: number;
  terms: Term[];
  phrases: Span[];
}

interface CompromiseTerm {
  text: string;
  tags?: string[];
  post?: string;
  offset: { start: number; length: number };
}

/** "Ana's" loses "'s", "parents'" only its apostrophe. */
const POSSESSIVE = /['’]s$|(?<=s)['’]$/u;
// Singular only: "Who" takes the verb as it stands ("The user lives" -> "Who lives").
const WHO_WORDS = new Set(["user", "he", "she"]);

function toTerms(terms: CompromiseTerm[]): Term[] {
  return terms
    .filter((term) => term.text !== "")
    .map((term) => ({ text: term.text, tags: new Set(term.tags ?? []), start: term.offset.start, end: term.offset.start + term.offset.length, post: term.post ?? " " }));
}

/** The sentences of a memory, each with its words and the noun phrases inside it (one parse). */
function sentencesOf(text: string): Sentence[] {
  const doc = nlp(text);
  const phrases = nounPhrases(doc);
  const sentences = doc.json({ offset: true }) as Array<{ offset: { start: number; length: number }; terms: CompromiseTerm[] }>;
  return sentences
    .map((sentence) => {
      const start = sentence.offset.start;
      const end = start + sentence.offset.length;
      return { start, end, terms: toTerms(sentence.terms), phrases: phrases.filter((phrase) => phrase.start >= start && phrase.end <= end) };
    })
    .filter((sentence) => sentence.terms.length > 0);
}

const isCapitalised = (term: Term): boolean => /^\p{Lu}/u.test(term.text);
const isNumber = (term: Term): boolean => /\d/.test(term.text) || term.tags.has("Value") || (term.tags.has("Date") && !term.tags.has("Determiner"));
const isPossessive = (term: Term): boolean => POSSESSIVE.test(term.text) || term.tags.has("Possessive");
const breaksRun = (term: Term): boolean => /[,;:.!?()"]/.test(term.post);

/** A span without a trailing possessive "'s": the owner is the name, not "Ana's". */
function endOf(term: Term): number {
  const match = POSSESSIVE.exec(term.text);
  return match ? term.end - match[0].length : term.end;
}

/**
 * Runs of names and numbers. A capitalised first word counts only when compromise knows it as a
 * name or the next word is capitalised too ("Zorvath Quellin"): otherwise it is just the sentence's
 * first word ("The", "Kettleby" alone is unknown, but "Kettleby Station" is a name).
 */
function keyRuns(terms: Term[]): Span[] {
  const keyish = terms.map((term, i) => {
    if (term.tags.has("Determiner") || term.tags.has("Pronoun") || term.tags.has("Preposition") || term.tags.has("Conjunction")) return false;
    if (isNumber(term)) return true;
    if (!isCapitalised(term)) return false;
    if (i > 0) return true;
    const next = terms[1];
    return term.tags.has("Person") || term.tags.has("Place") || term.tags.has("Organization") || (next !== undefined && isCapitalised(next) && !breaksRun(term));
  });
  const runs: Span[] = [];
  let open: Span | undefined;
  terms.forEach((term, i) => {
    if (!keyish[i]) {
      open = undefined;
      return;
    }
    if (open) open.end = endOf(term);
    else runs.push((open = { start: term.start, end: endOf(term), key: true }));
    if (breaksRun(term) || isPossessive(term)) open = undefined;
  });
  return runs.filter((span) => span.end > span.start);
}

/** Noun phrases as compromise chunks them, without trailing punctuation or a possessive "'s". */
function nounPhrases(doc: ReturnType<typeof nlp>): Span[] {
  const phrases = doc.nouns().json({ offset: true }) as Array<{ terms: CompromiseTerm[] }>;
  return phrases.flatMap((phrase) => {
    const terms = toTerms(phrase.terms);
    const first = terms[0];
    const last = terms[terms.length - 1];
    return first && last ? [{ start: first.start, end: endOf(last), key: false }] : [];
  });
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
const within = (inner: Span, outer: Span): boolean => inner.start >= outer.start && inner.end <= outer.end;

/** The sentence with the span blanked, cut to a window around the blank when it is too long. */
function blanked(text: string, sentence: Sentence, span: Span): string {
  const question = `${text.slice(sentence.start, span.start)}${BLANK}${text.slice(span.end, sentence.end)}`.replace(/\s+/g, " ").trim();
  if (question.length < MAX_QUESTION_CHARS) return question;
  const words = question.split(" ");
  let at = words.findIndex((word) => word.includes(BLANK));
  let cutStart = false;
  let cutEnd = false;
  // "… " and " …" take four characters.
  while (words.join(" ").length >= MAX_QUESTION_CHARS - 4 && words.length > 1) {
    // Drop a word from the side farther from the blank.
    if (at > words.length - 1 - at) {
      words.shift();
      at--;
      cutStart = true;
    } else {
      words.pop();
      cutEnd = true;
    }
  }
  return `${cutStart ? "… " : ""}${words.join(" ")}${cutEnd ? " …" : ""}`;
}

/** The subject: the words before the first verb that is not part of a name, ending on a noun. */
function subjectOf(sentence: Sentence, runs: Span[]): { terms: Term[]; rest: number } | undefined {
  const inName = (term: Term): boolean => runs.some((run) => term.start >= run.start && term.end <= run.end + 2);
  const verb = sentence.terms.findIndex((term) => term.tags.has("Verb") && !inName(term));
  if (verb <= 0) return undefined;
  let end = verb;
  while (end > 0 && !sentence.terms[end - 1]!.tags.has("Noun")) end--;
  const terms = sentence.terms.slice(0, end);
  const last = terms[terms.length - 1];
  return last ? { terms, rest: last.end } : undefined;
}

/** The last possessive before the subject's head ("the user's" of "the user's wife"), not a pronoun ("their"); -1 if none. */
function ownerIndex(terms: Term[]): number {
  return terms.findLastIndex((term, i) => i < terms.length - 1 && isPossessive(term) && !term.tags.has("Pronoun"));
}

/** "Who/What/Whose ..." for the subject, when the subject's head tells which; otherwise none. */
function subjectQuestion(text: string, sentence: Sentence, subject: { terms: Term[]; rest: number }): Probe | undefined {
  const rest = text.slice(subject.rest, sentence.end).trim().replace(/[.!;]+$/, "");
  if (!rest || /[?]$/.test(rest)) return undefined;
  const first = subject.terms[0]!;
  const possessive = ownerIndex(subject.terms);
  if (possessive >= 0) {
    const owner = subject.terms[possessive]!;
    const owned = text.slice(subject.terms[possessive + 1]!.start, subject.rest);
    return { question: `Whose ${owned} ${rest}?`, answer: text.slice(first.start, endOf(owner)) };
  }
  const head = subject.terms[subject.terms.length - 1]!;
  if (head.tags.has("Plural")) return undefined;
  const answer = text.slice(first.start, head.end);
  if (head.tags.has("Person") || head.tags.has("Actor") || WHO_WORDS.has(head.text.toLowerCase())) return { question: `Who ${rest}?`, answer };
  if ((!isCapitalised(head) && !head.tags.has("Pronoun")) || head.tags.has("Place") || head.tags.has("Organization")) return { question: `What ${rest}?`, answer };
  return undefined;
}

/** Tags of words not worth asking about on their own ("is", "of", "the", "not"). */
const FUNCTION_TAGS = ["Copula", "Auxiliary", "Modal", "Preposition", "Determiner", "Conjunction", "Pronoun", "Negative"];
const FUNCTION_WORDS = new Set(["of", "to", "in", "on", "at", "for", "with", "by"]);

/**
 * The probes of one sentence, most useful first: the last key span, then the subject, then other
 * names and phrases. `fallback` blanks single content words, for sentences with too few phrases.
 */
function probesOf(text: string, sentence: Sentence): { primary: Probe[]; fallback: Probe[] } {
  const runs = keyRuns(sentence.terms);
  const all = [...runs, ...sentence.phrases];
  const blank = (span: Span): Probe => ({ question: blanked(text, sentence, span), answer: text.slice(span.start, span.end) });
  const primary: Probe[] = [];
  const used: Span[] = [];
  const free = (span: Span): boolean => !used.some((other) => overlaps(other, span));

  // The subject is found first so that the last span is another one ("The user likes hiking").
  const subject = subjectOf(sentence, runs);
  let subjectProbe: Probe | undefined;
  if (subject) {
    const span: Span = { start: subject.terms[0]!.start, end: subject.rest, key: false };
    const possessive = ownerIndex(subject.terms);
    const blankSpan = possessive >= 0 ? { ...span, end: endOf(subject.terms[possessive]!) } : span;
    // A wh-question when compromise can tell who or what, else the subject blanked.
    subjectProbe = subjectQuestion(text, sentence, subject) ?? blank(blankSpan);
    used.push(span);
  }

  // The last span: the final noun phrase, or the last name or number inside it ("Brackenmoor" of
  // "the town of Brackenmoor"), or a name or number after it ("10am").
  const byEnd = all.filter(free).sort((a, b) => b.end - a.end || Number(b.key) - Number(a.key) || b.start - a.start);
  let last = byEnd[0];
  if (last && !last.key) last = runs.filter((run) => within(run, last!)).sort((a, b) => b.end - a.end)[0] ?? last;
  if (last) {
    primary.push(blank(last));
    used.push(last);
  }
  if (subjectProbe) primary.push(subjectProbe);

  // Others: names and numbers first, then noun phrases, from the end.
  for (const span of [...all].sort((a, b) => Number(b.key) - Number(a.key) || b.end - a.end)) {
    if (!free(span)) continue;
    primary.push(blank(span));
    used.push(span);
  }

  // Single content words, from the end.
  const fallback = [...sentence.terms]
    .reverse()
    .filter((term) => !FUNCTION_TAGS.some((tag) => term.tags.has(tag)) && !FUNCTION_WORDS.has(term.text.toLowerCase()))
    .map((term): Span => ({ start: term.start, end: endOf(term), key: false }))
    .filter(free)
    .map(blank);
  return { primary, fallback };
}

/**
 * Up to three probes for a memory, each valid under `checkProbe`: the last key span (a name, a
 * number, or the final noun phrase) blanked as "___"; the subject, as a who/what/whose question
 * when compromise can form one, else blanked; and another name or noun phrase blanked. Fewer
 * only when the memory has too few words to ask about.
 */
export function templateProbes(memoryText: string): Probe[] {
  const probes: Probe[] = [];
  const questions = new Set<string>();
  const take = (probe: Probe): void => {
    const candidate = { question: probe.question, answer: probe.answer.trim() };
    if (questions.has(candidate.question) || checkProbe(memoryText, candidate) !== undefined) return;
    questions.add(candidate.question);
    probes.push(candidate);
  };
  const sentences = sentencesOf(memoryText).map((sentence) => probesOf(memoryText, sentence));
  for (const { primary } of sentences) for (const probe of primary) if (probes.length < MAX_PROBES) take(probe);
  // Single words only to reach two probes: "The user ___ swim." asks little.
  for (const { fallback } of sentences) for (const probe of fallback) if (probes.length < MIN_PROBES) take(probe);
  return probes;
}
