import type { SelfEditItem, SelfEditStrategy, UnitText, WriterPrompt } from "../../../src/api.js";
import { stripListMarker } from "./list-items.js";
import { DATA_SYSTEM, passageOf } from "./passage.js";

// "Q:", "Q1:", "Question:", "Question 2." and the same for answers; small models vary the label.
const QUESTION = /^(?:q|question)\s*\d*\s*[:.)-]\s*/i;
const ANSWER = /^(?:a|answer)\s*\d*\s*[:.)-]\s*/i;
// "Q: Where does Ana live? A: Porto" on one line.
const INLINE_ANSWER = /\s+(?:a|answer)\s*\d*\s*:\s*/i;

/**
 * Question-answer pairs about the passage: the fact learned in the form it is later asked in.
 * The reply is read leniently: labels with or without numbers, list markers and emphasis, a pair
 * on one line, or an answer on the unlabelled line after its question.
 */
export const qaStrategy: SelfEditStrategy = {
  name: "qa",
  prompt(unit: UnitText): WriterPrompt {
    return {
      system: DATA_SYSTEM,
      user: `Write question-answer pairs that test the facts in the following passage. Write each pair on two lines, "Q: <question>" then "A: <answer>". Keep each answer short, in the passage's own words.\n\nPassage:\n${passageOf(unit)}\n\nPairs:`,
    };
  },
  parse(reply: string): SelfEditItem[] {
    const items: SelfEditItem[] = [];
    let question: string | undefined;
    // An empty "A:" leaves the question open: the answer may follow on the next line.
    const add = (answer: string): void => {
      if (!question || !answer.trim()) return;
      items.push({ kind: "qa", question, answer: answer.trim() });
      question = undefined;
    };
    for (const raw of reply.split("\n")) {
      const line = stripListMarker(raw);
      if (!line) continue;
      if (QUESTION.test(line)) {
        const [asked = "", inline] = line.replace(QUESTION, "").split(INLINE_ANSWER, 2);
        question = asked.trim() || undefined;
        if (inline !== undefined) add(inline);
      } else if (ANSWER.test(line)) {
        add(line.replace(ANSWER, ""));
      } else if (question) {
        add(line);
      }
    }
    return items;
  },
};
