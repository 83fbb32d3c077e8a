import type { Interaction, MemoryExtractor, RememberInput } from "../../src/api.js";
import { classifyClause, stripMarkers } from "./clause-filters.js";
import { expandContractions, sentencesOf, straightenQuotes, tokensOf } from "./english-tokens.js";
import { durabilityOf, kindOf } from "./memory-classes.js";
import { toThirdPerson } from "./third-person.js";

/** A memory longer than this is not a statement about the user but pasted text: it is skipped. */
const MAX_MEMORY_CHARS = 300;
/** Longer "sentences" are pasted text (logs, code, documents), not statements about the user. */
const MAX_SENTENCE_CHARS = 500;
/** Sentences read per message: a chat message states a few facts; a pasted document is not read through. */
const MAX_SENTENCES = 100;
const FIRST_PERSON_START = /^(?:i|we|my|our)\b/i;
// A second statement inside a sentence: ", and I ...", " but my ...", "; I ...", ", I ...".
const CLAUSE_BREAK = /\s*[,;]\s*(?:(?:and|but|so|because|although|though|while)\s+)?(?=(?:i|i'm|i've|i'd|i'll|my|we|our)\b)|\s+(?:and|but|so|because|although|though|while)\s+(?=(?:i|i'm|i've|i'd|i'll|my|we|our)\b)/i;
// Time words that make a statement about the user's situation worth keeping for a while, even
// without "I" or "my" ("The build is red right now.").
const SITUATION = /\b(today|tonight|tomorrow|right now|at the moment|this (morning|afternoon|evening|week|weekend)|currently)\b/i;

/** "I am Ana", "call me Ana", "I go by Ana": the user's name, in one canonical form. */
function nameStatement(clause: string): string | undefined {
  const match = /^(?:i am called|i am|people call me|everyone calls me|call me|i go by)\s+(.+)$/i.exec(clause.replace(/[.!]+$/, ""));
  if (!match?.[1]) return undefined;
  const tokens = tokensOf(match[1]);
  // A lower-case message ("hi, i'm dave") still names the user when compromise knows the first name.
  const looksLikeName = tokens.length > 0 && tokens.length <= 3 && tokens.every((token) => (/^\p{Lu}/u.test(token.text) || token.tags.has("FirstName")) && !token.tags.has("Demonym") && !token.tags.has("Place") && !token.tags.has("Adjective")) && tokens.some((token) => token.tags.has("Person") || token.tags.has("FirstName") || token.tags.has("ProperNoun"));
  const name = tokens.map((token) => token.text.charAt(0).toUpperCase() + token.text.slice(1)).join(" ");
  return looksLikeName ? `The user's name is ${name}.` : undefined;
}

const WHEN = String.raw`(?:(?:last|next|this) (?:summer|winter|spring|autumn|fall|week|month|year|weekend|night|morning|evening)|tonight|today|tomorrow|yesterday|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|in (?:19|20)\d\d|(?:a|one|two|three|four|five|six|\d+) (?:years?|months?|weeks?|days?) ago|recently)`;
const FRONTED_WHEN = new RegExp(`^(${WHEN})\\s*,?\\s+(?=(?:i|we|my|our)\\b)`, "i");
const TRAILING_WHEN = new RegExp(`(?:\\s+${WHEN})+$`, "i");

/** "Last summer I visited Iceland" -> "I visited Iceland last summer": the statement leads, as in the labels. */
function timeToTheEnd(clause: string): string {
  const match = FRONTED_WHEN.exec(clause);
  if (!match?.[1]) return clause;
  const rest = clause.slice(match[0].length).replace(/([.!]*)$/, "");
  return `${rest} ${match[1].toLowerCase()}`;
}

/** "The user moved to Lyon (last month)" says where the user lives now. */
function relocation(text: string): string {
  const match = /^The user (?:has )?(?:just |recently |finally |now )?(?:moved|relocated) (?:back )?to (.+)$/i.exec(text);
  return match?.[1] ? `The user lives in ${match[1].replace(/[.!]+$/, "").replace(TRAILING_WHEN, "")}` : text;
}

function finish(text: string): string {
  const body = text.replace(/[\s.!,;:]+$/, "").trim();
  return `${body.charAt(0).toUpperCase()}${body.slice(1)}.`;
}

/** The memory one clause holds, or nothing. */
export function memoryFromClause(rawClause: string): RememberInput | undefined {
  const clause = timeToTheEnd(stripMarkers(expandContractions(rawClause)));
  if (!clause) return undefined;
  // Before the clause filters: "Call me Ana" reads as a command.
  const name = nameStatement(clause);
  if (name) return { text: name, kind: "fact", durability: "durable", confidence: 0.8 };
  // One parse of the clause serves the filter, the verb check and the rewrite.
  const tokens = tokensOf(clause);
  if (classifyClause(clause, tokens) !== "statement") return undefined;
  if (clause.split(/\s+/).length < 3) return undefined;
  if (!FIRST_PERSON_START.test(clause) && !SITUATION.test(clause)) return undefined;
  if (!tokens.some((token) => token.tags.has("Verb"))) return undefined;
  const text = finish(relocation(toThirdPerson(clause, tokens)));
  if (text.length > MAX_MEMORY_CHARS) return undefined;
  return { text, kind: kindOf(text), durability: durabilityOf(text), confidence: 0.8 };
}

/**
 * Extraction without a model: the user's own statements ("I live in Porto.", "My name is Ana.",
 * "The build is red right now.") become third-person memories ("The user lives in Porto."), with a
 * kind and a durability. Person, tense, negation and contractions come from compromise's English
 * grammar; questions, commands, small talk, hypotheticals and talk about the assistant are left out.
 */
export const sentenceExtractor: MemoryExtractor = {
  name: "sentence-extractor",
  async extract(interaction: Interaction): Promise<RememberInput[]> {
    const memories: RememberInput[] = [];
    const seen = new Set<string>();
    let read = 0;
    for (const line of straightenQuotes(interaction.user).split(/\n+/)) {
      // A rough split first, so that a pasted document costs little: only sentence-sized pieces
      // go through the grammar.
      const pieces = line.split(/(?<=[.!?])\s+(?=["'(\[]?[\p{Lu}\d])/u).filter((piece) => piece.length <= MAX_SENTENCE_CHARS);
      for (const sentence of pieces.slice(0, Math.max(0, MAX_SENTENCES - read)).flatMap(sentencesOf)) {
        read++;
        if (/\?\s*["')\]]*$/.test(sentence)) continue;
        for (const clause of sentence.split(CLAUSE_BREAK)) {
          const memory = memoryFromClause(clause);
          if (!memory || seen.has(memory.text.toLowerCase())) continue;
          seen.add(memory.text.toLowerCase());
          memories.push(memory);
        }
      }
    }
    return memories;
  },
};
