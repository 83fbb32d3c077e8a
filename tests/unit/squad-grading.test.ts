import { describe, expect, it } from "vitest";
import { containsAnswer, normalizeAnswer, tokenF1 } from "../../src/eval/squad-grading.js";

// Hand-written answer / gold pairs with the results the SQuAD v1.1 evaluation script gives.
const CASES: Array<{ answer: string; gold: string; contains: boolean; f1: number; why: string }> = [
  { answer: "Otrar", gold: "Otrar", contains: true, f1: 1, why: "exact" },
  { answer: "the town of Otrar.", gold: "Otrar", contains: true, f1: 0.5, why: "article and punctuation dropped; 'town of' costs precision (P 1/3, R 1)" },
  { answer: "The Beatles", gold: "Beatles", contains: true, f1: 1, why: "leading article removed" },
  { answer: "an apple", gold: "a apple", contains: true, f1: 1, why: "both articles removed" },
  { answer: "  SUBUTAI   and\tJebe ", gold: "Subutai and Jebe", contains: true, f1: 1, why: "case and whitespace" },
  { answer: "molten silver!", gold: "silver", contains: true, f1: 2 / 3, why: "punctuation; one extra token" },
  { answer: "silversmith", gold: "silver", contains: false, f1: 0, why: "containment is on word boundaries" },
  { answer: "20,000 men", gold: "20000", contains: true, f1: 2 / 3, why: "the comma is punctuation and is removed" },
  { answer: "theocracy", gold: "the", contains: false, f1: 0, why: "a gold of only an article normalizes to nothing" },
  { answer: "He fled.", gold: "fled", contains: true, f1: 2 / 3, why: "sentence answer" },
  { answer: "Jebe and Subutai", gold: "Subutai and Jebe", contains: false, f1: 1, why: "F1 ignores order, containment does not" },
  { answer: "", gold: "Otrar", contains: false, f1: 0, why: "empty answer" },
  { answer: "The U.S. Army", gold: "U.S. Army", contains: true, f1: 1, why: "dots inside abbreviations are removed on both sides" },
];

describe("SQuAD-style grading", () => {
  it.each(CASES)("$why: $answer vs $gold", ({ answer, gold, contains, f1 }) => {
    expect(containsAnswer(answer, gold)).toBe(contains);
    expect(tokenF1(answer, gold)).toBeCloseTo(f1, 10);
  });

  it("normalizes like the official script: lower case, no punctuation, no articles, single spaces", () => {
    expect(normalizeAnswer("  The  Quick, (Brown) fox's A-team!  ")).toBe("quick brown foxs ateam");
    expect(normalizeAnswer("An Answer")).toBe("answer");
    expect(normalizeAnswer("Theory")).toBe("theory");
  });
});
