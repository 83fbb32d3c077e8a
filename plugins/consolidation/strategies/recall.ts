import nlp from "compromise";
import type { SelfEditItem, SelfEditStrategy, UnitText } from "../../../src/api.js";

/**
 * No writer: for each memory, chat questions about what it is about, answered with the memory
 * itself ("What do you know about the user's brother Tobiah?" -> "The user's brother Tobiah works
 * as a glassblower."). The agent is asked in chat; a small model's own question-answer pairs are
 * mostly unusable (bench/consolidation), so this gives every memory chat-shaped training text.
 * The questions name the memory's subject and its people, never the detail a probe asks for.
 */
export const recallStrategy: SelfEditStrategy = {
  name: "recall",
  prompt(): undefined {
    return undefined;
  },
  parse(_reply: string, unit: UnitText): SelfEditItem[] {
    const items: SelfEditItem[] = [];
    for (const line of unit.text.split("\n").map((value) => value.trim()).filter(Boolean)) {
      const topics = new Set<string>();
      const subject = subjectOf(line);
      if (subject) topics.add(subject);
      // The names inside the subject, alone: "Zorvath Quellin" as well as "the user's neighbour Zorvath Quellin".
      for (const name of (subject ?? "").slice(1).match(/\b[A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+)*/gu) ?? []) if (name !== subject) topics.add(name);
      // Two questions per memory: enough to answer in chat (bench/consolidation), and each one
      // costs training steps.
      const [first, second] = [...topics].map(lowerArticle);
      if (first) items.push({ kind: "qa", question: `What do you know about ${first}?`, answer: line });
      if (first) items.push({ kind: "qa", question: second ? `What do you know about ${second}?` : `Tell me about ${first}.`, answer: line });
    }
    return items;
  },
};

/** The words before the sentence's first verb: "The user's neighbour Zorvath Quellin". */
function subjectOf(sentence: string): string | undefined {
  const doc = nlp(sentence);
  const verb = doc.verbs().first();
  if (!verb.found) return undefined;
  const before = sentence.slice(0, sentence.indexOf(verb.text("normal").split(" ")[0] ?? "\u0000")).trim();
  const fromMatch = (doc.before(verb).text() as string).trim();
  const subject = (fromMatch || before).replace(/[,;:]+$/, "").trim();
  return subject.split(/\s+/).length >= 1 && subject.length >= 2 && subject.length < sentence.length ? subject : undefined;
}

/** "The user's dog" -> "the user's dog" (mid-sentence), names stay as they are. */
function lowerArticle(topic: string): string {
  return /^(The|A|An|My)\s/.test(topic) ? topic[0]?.toLowerCase() + topic.slice(1) : topic;
}
