import { describe, expect, it } from "vitest";
import type { SelfEditItem, UnitText } from "../../src/consolidate/plugin-types.js";
import { filterSelfEdits } from "../../src/consolidate/self-edit-filters.js";

const UNIT: UnitText = { title: "Ana", text: "Ana lives in Porto.\nAna's flight to Lyon leaves at 7:30 on 3 May 2025." };
const text = (value: string): SelfEditItem => ({ kind: "text", text: value });
const qa = (question: string, answer: string): SelfEditItem => ({ kind: "qa", question, answer });
const reasons = (items: SelfEditItem[]) => filterSelfEdits(items, UNIT).map((result) => (result.kept ? "kept" : result.reason));

describe("filterSelfEdits", () => {
  it("keeps items that restate the memories", () => {
    const items = [text("Ana is a resident of Porto."), text("Ana will travel to Lyon in May."), text("The flight leaves at 7.30 in the morning."), qa("Where does Ana live?", "Porto"), qa("When does Ana's flight leave?", "at 7:30")];
    expect(filterSelfEdits(items, UNIT)).toEqual(items.map((item) => ({ item, kept: true })));
  });

  it("drops duplicates, of earlier items and of the memories' own lines", () => {
    expect(reasons([text("Ana is a resident of Porto."), text("ana is a resident of porto"), text("Ana lives in Porto"), qa("Where does Ana live?", "Porto"), qa("where does ana live", "porto.")])).toEqual([
      "kept",
      "duplicate",
      "same as a memory",
      "kept",
      "duplicate",
    ]);
  });

  it("drops lines that repeat themselves", () => {
    expect(
      reasons([
        text("Ana lives in Porto and Ana lives in Porto and Ana lives in Porto and more."),
        text("Ana lives in Porto. Ana lives in Porto."),
        text("Porto Porto Porto Porto is nice"),
        text("Ana lives in Porto, and her flight to Lyon leaves at 7:30."),
      ]),
    ).toEqual(["repetitive", "repetitive", "repetitive", "kept"]);
  });

  it("drops items naming a proper noun or number the memories do not contain", () => {
    expect(
      reasons([
        text("Ana lives in Portugal, near Paris."),
        text("Ana's flight leaves at 8:30."),
        text("The flight leaves in 2024 at the latest."),
        text("Ana flies with TAP to Lyon."),
        text("Porto is where Ana lives."),
        text("I think Ana lives in Porto."),
        qa("Where does Ana live?", "Braga"),
        qa("Who flies to Lyon on 4 May?", "Ana"),
      ]),
    ).toEqual([
      'names "Portugal", not in the memories',
      'names "8:30", not in the memories',
      'names "2024", not in the memories',
      'names "TAP", not in the memories',
      "kept",
      "kept",
      // An answer opens a sentence, so its capital says nothing; the answer check drops it.
      'answer "Braga" is not in the memories',
      'names "4", not in the memories',
    ]);
  });

  it("drops question-answer pairs whose answer is empty or not in the memories", () => {
    expect(reasons([qa("Where does Ana live?", " "), qa("Where does Ana live?", "in a flat"), qa("", "Porto")])).toEqual([
      "empty answer",
      'answer "in a flat" is not in the memories',
      "empty question",
    ]);
  });

  it("drops items over 400 characters", () => {
    const long = `Ana lives in Porto, ${"which is a city with many bridges and a river, ".repeat(9)}`;
    expect(long.length).toBeGreaterThan(400);
    expect(reasons([text(long)])).toEqual(["over 400 characters"]);
  });
});
