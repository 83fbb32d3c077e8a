/**
 * A plain-language statement split at its verb: "The user's favourite colour is not blue" ->
 * subject "the user's favourite colour", relation "is", value "blue", negated. Enough for the
 * update rules to tell a replacement (same subject, other value) from a contradiction (same
 * subject and value, opposite polarity) without a model.
 */
export interface Statement {
  subject: string;
  relation: string;
  value: string;
  negated: boolean;
  /** "no longer": it was true and has stopped being true. */
  ended: boolean;
}

const VERBS = ["is", "are", "am", "was", "were", "lives in", "live in", "lived in", "works at", "work at", "works as", "likes", "like", "loves", "love", "prefers", "prefer", "uses", "use", "has", "have", "owns", "own", "hates", "hate", "dislikes", "dislike"];
const NEGATIONS = ["no longer", "not", "never", "doesn't", "don't", "does not", "do not", "isn't", "aren't", "is not", "are not"];

export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

// "my" and "I" name the user: "My name is Ana" and "The user's name is Ana" share a subject.
function canonicalSubject(subject: string): string {
  return subject.replace(/^(my|the user's|user's)\s+/, "user's ").replace(/^(i|the user|user)$/, "user");
}

export function parseStatement(text: string): Statement | undefined {
  const normalized = normalizeText(text);
  const negation = `(?:(${NEGATIONS.map((word) => word.replace(/'/g, "'")).join("|")})\\s+)?`;
  for (const verb of VERBS) {
    // subject, optional negation before or after the verb, then the value
    const pattern = new RegExp(`^(.+?)\\s+${negation}${verb.replace(/ /g, "\\s+")}\\s+${negation}(.+)$`);
    const match = pattern.exec(normalized);
    if (!match) continue;
    const subject = canonicalSubject((match[1] ?? "").trim());
    const value = (match[4] ?? "").replace(/^(a|an|the)\s+/, "").trim();
    if (!subject || !value || subject.split(" ").length > 8) continue;
    const relation = verb.replace(/^(live|work|like|love|prefer|use|have|own|hate|dislike)\b/, (word) => (word === "have" ? "has" : `${word}s`));
    const negator = match[2] ?? match[3];
    return { subject, relation, value, negated: Boolean(negator), ended: negator === "no longer" };
  }
  return undefined;
}
