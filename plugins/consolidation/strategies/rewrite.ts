import nlp from "compromise";
import type { SelfEditItem, SelfEditStrategy, UnitText, WriterPrompt } from "../../../src/api.js";
import { stripListMarker, wordCount } from "./list-items.js";
import { DATA_SYSTEM, passageOf } from "./passage.js";

/** Sentences of a rewrite, split by compromise so that "Dr. Knott" or "3.5 km" stay whole. */
function sentencesOf(line: string): string[] {
  return (nlp(line).sentences().out("array") as string[]).map((sentence) => sentence.trim());
}

/**
 * The same facts in other words: a second phrasing makes the fact less tied to one wording (SEAL's
 * "rewrite" baseline). Each sentence of the reply is one line to learn.
 */
export const rewriteStrategy: SelfEditStrategy = {
  name: "rewrite",
  prompt(unit: UnitText): WriterPrompt {
    return {
      system: DATA_SYSTEM,
      user: `Rewrite the following passage in other words, as several short sentences. Keep every fact and add none.\n\nPassage:\n${passageOf(unit)}\n\nRewrite:`,
    };
  },
  parse(reply: string): SelfEditItem[] {
    return reply
      .split("\n")
      .map(stripListMarker)
      .flatMap(sentencesOf)
      .filter((sentence) => wordCount(sentence) >= 3)
      .map((text) => ({ kind: "text", text }));
  },
};
