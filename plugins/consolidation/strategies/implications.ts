import type { SelfEditItem, SelfEditStrategy, UnitText, WriterPrompt } from "../../../src/api.js";
import { listItems } from "./list-items.js";
import { DATA_SYSTEM, passageOf } from "./passage.js";

/**
 * SEAL's knowledge-incorporation self-edit: the writer lists what follows from the passage, and
 * each implication is one line to learn. The prompt is SEAL's own wording.
 */
export const implicationsStrategy: SelfEditStrategy = {
  name: "implications",
  prompt(unit: UnitText): WriterPrompt {
    return {
      system: DATA_SYSTEM,
      user: `Let's read the following passage and produce a list of implications derived directly or indirectly from the content.\n\nPassage:\n${passageOf(unit)}\n\nImplications:`,
    };
  },
  parse(reply: string): SelfEditItem[] {
    return listItems(reply).map((text) => ({ kind: "text", text }));
  },
};
