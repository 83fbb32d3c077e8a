import type { SelfEditItem, SelfEditStrategy, UnitText } from "../../../src/api.js";

/** No writer: the memories themselves, one line each. The baseline SEAL calls "passage only". */
export const unitTextStrategy: SelfEditStrategy = {
  name: "text",
  prompt(): undefined {
    return undefined;
  },
  parse(_reply: string, unit: UnitText): SelfEditItem[] {
    return unit.text
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((text) => ({ kind: "text", text }));
  },
};
