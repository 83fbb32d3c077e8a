import type { Interaction, MemoryExtractor, RememberInput } from "../../src/index.js";

const PREFERENCE = /\b(like|likes|love|loves|prefer|prefers|hate|hates|enjoy|enjoys|favou?rite)\b/i;

// First person to third: "my" -> "the user's", "I am" -> "the user is", "I live" -> "the user lives".
function thirdPerson(sentence: string): string | undefined {
  const rewritten = sentence
    .replace(/^(?:and|also|so|well|oh|by the way|btw),?\s+/i, "")
    .replace(/^my\b/i, "The user's")
    .replace(/^(?:i am|i'm)\b/i, "The user is")
    .replace(/^i (have|do|go)\b/i, (_match, verb: string) => `The user ${verb === "have" ? "has" : verb === "do" ? "does" : "goes"}`)
    .replace(/^i (\w+)\b/i, (_match, verb: string) => `The user ${/(s|sh|ch|x)$/.test(verb) ? `${verb}es` : `${verb}s`}`)
    .replace(/\bmy\b/gi, "the user's");
  return rewritten.startsWith("The user") ? rewritten : undefined;
}

/**
 * Heuristic extraction, no model: the user's own statements about themselves ("My name is Ana.",
 * "I live in Porto.") become third-person memories ("The user's name is Ana."). Questions,
 * commands and statements about other things are left alone.
 */
export const sentenceExtractor: MemoryExtractor = {
  name: "sentence-extractor",
  async extract(interaction: Interaction): Promise<RememberInput[]> {
    const sentences = interaction.user.split(/(?<=[.!?])\s+|\n+/).map((sentence) => sentence.trim()).filter(Boolean);
    const memories: RememberInput[] = [];
    for (const sentence of sentences) {
      if (sentence.endsWith("?")) continue;
      // "I live in Lisbon and I love hiking" is two memories: one statement each.
      for (const clause of sentence.replace(/[.!]+$/, "").split(/\s*,?\s+(?:and|but)\s+(?=(?:i|i'm|my)\b)/i)) {
        if (clause.split(/\s+/).length < 3) continue;
        const text = thirdPerson(clause);
        if (text) memories.push({ text: `${text}.`, kind: PREFERENCE.test(text) ? "preference" : "fact", confidence: 0.8 });
      }
    }
    return memories;
  },
};
