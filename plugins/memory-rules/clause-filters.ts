import { tokensOf, type Token } from "./english-tokens.js";

// Openers that carry no content: "Actually, I live in Lyon." is "I live in Lyon.".
const DISCOURSE = /^(?:actually|by the way|btw|oh|well|so|also|and|but|anyway|anyways|okay|ok|hey|plus|fyi|just so you know|for the record|fun fact|um|uh|yes|yeah|yep|no|nope|now|oh and|and also|in fact|honestly|to be honest|hi|hello|lol|haha)\b[,:!.]?\s+/i;
// Asking the assistant to keep something is a statement about the user, not a command.
const KEEP_THIS = /^(?:please\s+)?(?:(?:do\s+)?remember|note|keep in mind|do not forget|don't forget|never forget|make a note|i want you to (?:remember|know)|you should know|for your information|just so you know)\b(?:\s+that)?[,:]?\s*/i;

/** The clause without openers ("Actually,", "Remember that") and a closing "now" on a lasting state. */
export function stripMarkers(clause: string): string {
  let text = clause.trim();
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(DISCOURSE, "").replace(KEEP_THIS, "").trim();
  }
  return text.replace(/(?<!\bright),?\s+(?:now|though|anyway)\s*([.!]*)$/i, "$1").replace(/[\s,;:]+$/, "").trim();
}

const QUESTION_START = /^(?:what|where|when|who|whom|whose|why|how|which|do|does|did|is|are|am|was|were|can|could|would|will|shall|should|have|has|may|might)\b/i;
const HYPOTHETICAL = /^(?:hopefully|unless|suppose|imagine|what if)\b|\b(?:if|maybe|perhaps|possibly|probably|might|i guess|i wonder|i may|i would (?!like|love|prefer|rather)|i wish)\b/i;
// "one day" is a dream, unless it is a stated wish ("I would like to visit Patagonia one day").
const SOMEDAY = /\b(?:someday|some day|one day)\b/i;
const STATED_WISH = /\b(?:would like|would love|want|wants|plan|plans)\b/i;
const SMALL_TALK = /^(?:hi|hello|hey|thanks|thank you|thx|ok|okay|lol|haha|cool|great|nice|awesome|perfect|good (?:morning|night|evening|afternoon)|bye|goodbye|see you|sure|yes|no|yep|nope|wow|oops|sorry|never mind|that is|that's|it is|it's|this is)\b/i;
// Talk about the assistant or the conversation ("You are funny", "I think you're wrong").
const ABOUT_THE_ASSISTANT = /\b(?:you|your|yours|you're|yourself)\b/i;
const FIRST_PERSON = /^(?:i|we|my|our)\b/i;

export type ClauseVerdict = "statement" | "question" | "command" | "hypothetical" | "small-talk" | "about-assistant";

/** What a clause is: only statements can be memories. Expects contractions written out; `tokens` are the clause's, when the caller has them. */
export function classifyClause(clause: string, tokens?: readonly Token[]): ClauseVerdict {
  const text = clause.trim();
  if (/\?\s*$/.test(text) || (QUESTION_START.test(text) && !FIRST_PERSON.test(text))) return "question";
  if (HYPOTHETICAL.test(text) || (SOMEDAY.test(text) && !STATED_WISH.test(text))) return "hypothetical";
  if (ABOUT_THE_ASSISTANT.test(text)) return "about-assistant";
  if (SMALL_TALK.test(text) && !FIRST_PERSON.test(text)) return "small-talk";
  if (/^(?:please|do not|don't|never|always|from now on|stop|let's|let us)\b/i.test(text)) return "command";
  const [first] = tokens ?? tokensOf(text);
  if (first && first.tags.has("Verb") && (first.tags.has("Imperative") || first.tags.has("Infinitive")) && !first.tags.has("Pronoun")) return "command";
  return "statement";
}
