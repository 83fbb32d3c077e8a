import { describe, expect, it } from "vitest";
import { checkProbe } from "../../src/consolidate/probe-checks.js";

const MEMORY = "Mirela Oskant's dog is called Pumbleton.";

describe("checkProbe", () => {
  it("accepts a question whose short answer is a span of the memory", () => {
    expect(checkProbe(MEMORY, { question: "What is Mirela Oskant's dog called?", answer: "Pumbleton" })).toBeUndefined();
    expect(checkProbe(MEMORY, { question: "___'s dog is called Pumbleton.", answer: "Mirela Oskant" })).toBeUndefined();
    // Case and spacing do not matter.
    expect(checkProbe(MEMORY, { question: "Whose dog is called Pumbleton?", answer: "  mirela   OSKANT " })).toBeUndefined();
    expect(checkProbe("Ana’s cat is Miso.", { question: "Whose cat is Miso?", answer: "Ana's" })).toBeUndefined();
    expect(checkProbe("The user’s cat is Miso.", { question: "Whose cat is Miso?", answer: "The user's" })).toBe("answer is who every memory is about");
  });

  it("rejects answers that are not a span of the memory", () => {
    expect(checkProbe(MEMORY, { question: "What is the dog called?", answer: "Rex" })).toBe("answer is not a span of the memory");
    // Part of a word is not a span.
    expect(checkProbe(MEMORY, { question: "What is the dog called?", answer: "Pumble" })).toBe("answer is not a span of the memory");
  });

  it("rejects empty, long and whole-memory answers", () => {
    expect(checkProbe(MEMORY, { question: "What is the dog called?", answer: "  " })).toBe("empty answer");
    expect(checkProbe(MEMORY, { question: "What?", answer: "Mirela Oskant's dog is called Pumbleton" })).toBe("answer is the whole memory");
    const long = "The user keeps a small red notebook with every recipe of the grandmother in the kitchen drawer.";
    expect(checkProbe(long, { question: "What does the user keep?", answer: "a small red notebook with every recipe of the grandmother" })).toBe("answer has 10 words (at most 8)");
  });

  it("rejects questions that give the answer away, are malformed or too long", () => {
    expect(checkProbe(MEMORY, { question: "Is Pumbleton the dog's name?", answer: "Pumbleton" })).toBe("question contains the answer");
    expect(checkProbe(MEMORY, { question: "Name Mirela Oskant's dog", answer: "Pumbleton" })).toBe('question neither ends with "?" nor has a "___" blank');
    expect(checkProbe(MEMORY, { question: "", answer: "Pumbleton" })).toBe("empty question");
    expect(checkProbe(MEMORY, { question: `${"Tell me about the dog ".repeat(10)}?`, answer: "Pumbleton" })).toMatch(/^question is \d+ characters/);
  });
});
