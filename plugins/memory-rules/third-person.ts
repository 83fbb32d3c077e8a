import { thirdPersonPresent, tokensOf, type Token } from "./english-tokens.js";

// Words between the subject and its verb that leave the verb's form alone ("I no longer live").
const BETWEEN_SUBJECT_AND_VERB = new Set(["no", "longer", "also", "still", "just", "really", "never", "always", "usually", "often", "sometimes", "recently", "currently", "actually", "finally", "now", "only", "mostly", "already", "even", "rarely", "seldom", "generally", "personally", "definitely", "totally", "absolutely", "mainly", "not", "too"]);
const MODALS = new Set(["can", "could", "will", "would", "shall", "should", "may", "might", "must"]);
// The user's own forms; "we" and "our" count as the user too (a household, a team).
const SUBJECT = new Set(["i", "we"]);
const OBJECT = new Set(["me", "us", "myself", "ourselves"]);
const POSSESSIVE = new Set(["my", "our", "mine", "ours"]);

/** The verb after "I": agreement with "the user" ("am" -> "is", "live" -> "lives"); past forms and modals stay. */
function agree(token: Token): string {
  const word = token.normal;
  if (word === "am" || word === "are") return "is";
  if (word === "were") return "was";
  if (word === "have") return "has";
  if (word === "do") return "does";
  if (MODALS.has(word) || word === "was") return token.text;
  if (token.tags.has("Verb") && token.tags.has("PresentTense") && !token.tags.has("Gerund") && !token.tags.has("Participle")) return thirdPersonPresent(token.text);
  return token.text;
}

const isVerb = (token: Token): boolean => token.tags.has("Verb") || MODALS.has(token.normal) || ["am", "are", "is", "was", "were", "have", "do"].includes(token.normal);

/**
 * First person to third, tense kept: "I moved to Lyon" -> "The user moved to Lyon", "I do not
 * like coffee" -> "The user does not like coffee", "my wife's birthday" -> "the user's wife's
 * birthday". Expects contractions already written out.
 */
export function toThirdPerson(clause: string, tokens: readonly Token[] = tokensOf(clause)): string {
  let awaitingVerb = false;
  const words: string[] = [];
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    let word = token.text;
    if (SUBJECT.has(token.normal)) {
      word = "the user";
      awaitingVerb = true;
    } else if (OBJECT.has(token.normal)) word = "the user";
    else if (POSSESSIVE.has(token.normal)) word = "the user's";
    else if (awaitingVerb && token.normal === "do" && next && isVerb(next) && next.normal !== "not") return; // emphatic "I do have": "the user has"
    else if (awaitingVerb && isVerb(token) && !BETWEEN_SUBJECT_AND_VERB.has(token.normal)) {
      word = agree(token);
      awaitingVerb = false;
    } else if (awaitingVerb && !BETWEEN_SUBJECT_AND_VERB.has(token.normal) && !token.tags.has("Adverb")) awaitingVerb = false;
    words.push(`${index === 0 ? "" : token.pre}${word}${index === tokens.length - 1 ? "" : token.post}`);
  });
  return words.join("").replace(/\bcan not\b/gi, "cannot").replace(/\s+/g, " ").trim();
}
