import { describe, expect, it } from "vitest";
import { builtInStrategies, implicationsStrategy, qaStrategy, rewriteStrategy, unitTextStrategy } from "../../plugins/consolidation/index.js";
import type { UnitText } from "../../src/consolidate/plugin-types.js";

const UNIT: UnitText = { title: "Ana", text: "Ana lives in Porto.\nAna works at Dr. Costa's clinic." };

describe("self-edit strategies: prompts", () => {
  it("put the memories in the user message only, as data", () => {
    for (const strategy of [implicationsStrategy, rewriteStrategy, qaStrategy]) {
      const prompt = strategy.prompt(UNIT)!;
      expect(prompt.user, strategy.name).toContain("Passage:\nAna\nAna lives in Porto.\nAna works at Dr. Costa's clinic.");
      expect(prompt.system, strategy.name).toMatch(/data/);
      expect(prompt.system, strategy.name).not.toContain("Porto");
    }
  });

  it("use SEAL's wording for implications", () => {
    expect(implicationsStrategy.prompt(UNIT)!.user).toMatch(/^Let's read the following passage and produce a list of implications derived directly or indirectly from the content\.\n\nPassage:\nAna\n/);
    expect(implicationsStrategy.prompt(UNIT)!.user).toMatch(/Implications:$/);
  });

  it("ask for a rewrite and for Q/A pairs", () => {
    expect(rewriteStrategy.prompt(UNIT)!.user).toMatch(/^Rewrite the following passage in other words, as several short sentences/);
    expect(qaStrategy.prompt(UNIT)!.user).toContain('"Q: <question>" then "A: <answer>"');
  });

  it("text needs no writer", () => {
    expect(unitTextStrategy.prompt(UNIT)).toBeUndefined();
  });

  it("are registered by name", () => {
    expect(Object.keys(builtInStrategies).sort()).toEqual(["implications", "qa", "recall", "rewrite", "text"]);
    expect(builtInStrategies.qa).toBe(qaStrategy);
  });

  it("recall: two chat questions per memory about its subject and names, answered with the memory, never naming the detail", () => {
    const unit = { title: "t", text: "The user's neighbour Zorvath Quellin lives in the town of Brackenmoor.\nThe user's dog is called Pumbleton." };
    const items = builtInStrategies.recall?.parse("", unit) ?? [];
    expect(builtInStrategies.recall?.prompt(unit)).toBeUndefined();
    expect(items).toEqual([
      { kind: "qa", question: "What do you know about the user's neighbour Zorvath Quellin?", answer: "The user's neighbour Zorvath Quellin lives in the town of Brackenmoor." },
      { kind: "qa", question: "What do you know about Zorvath Quellin?", answer: "The user's neighbour Zorvath Quellin lives in the town of Brackenmoor." },
      { kind: "qa", question: "What do you know about the user's dog?", answer: "The user's dog is called Pumbleton." },
      { kind: "qa", question: "Tell me about the user's dog.", answer: "The user's dog is called Pumbleton." },
    ]);
    for (const item of items) if (item.kind === "qa") expect(item.question).not.toMatch(/Brackenmoor|Pumbleton/);
  });
});

describe("self-edit strategies: parsing", () => {
  it("implications: one item per line, markers and emphasis removed, short lines dropped", () => {
    const reply = "**Implications:**\n1. Ana lives in a city in Portugal.\n- **Ana** has a job at a clinic.\n* Ana\n\n2) Ana probably speaks Portuguese.\n**Ana** is an adult with a job.";
    expect(implicationsStrategy.parse(reply, UNIT)).toEqual([
      { kind: "text", text: "Ana lives in a city in Portugal." },
      { kind: "text", text: "Ana has a job at a clinic." },
      { kind: "text", text: "Ana probably speaks Portuguese." },
      { kind: "text", text: "Ana is an adult with a job." },
    ]);
  });

  it("rewrite: one item per sentence, abbreviations kept whole", () => {
    const reply = "Ana's home is Porto. She is employed at the clinic of Dr. Costa.\n- Ok.";
    expect(rewriteStrategy.parse(reply, UNIT)).toEqual([
      { kind: "text", text: "Ana's home is Porto." },
      { kind: "text", text: "She is employed at the clinic of Dr. Costa." },
    ]);
  });

  it("qa: pairs read leniently", () => {
    const reply = [
      "Q: Where does Ana live?",
      "A: Porto",
      "1. **Q1:** Where does Ana work?",
      "**A1:** at Dr. Costa's clinic",
      "Question: What city is Ana's home? Answer: Porto",
      "Q: Who runs the clinic?",
      "Dr. Costa",
      "Q: A question without an answer?",
      "Q: Does Ana live in Porto?",
      "A:",
      "yes",
      "A: an answer without a question",
    ].join("\n");
    expect(qaStrategy.parse(reply, UNIT)).toEqual([
      { kind: "qa", question: "Where does Ana live?", answer: "Porto" },
      { kind: "qa", question: "Where does Ana work?", answer: "at Dr. Costa's clinic" },
      { kind: "qa", question: "What city is Ana's home?", answer: "Porto" },
      { kind: "qa", question: "Who runs the clinic?", answer: "Dr. Costa" },
      { kind: "qa", question: "Does Ana live in Porto?", answer: "yes" },
    ]);
  });

  it("text: the unit's own lines", () => {
    expect(unitTextStrategy.parse("ignored", { title: "t", text: " Ana lives in Porto. \n\nAna works at a clinic.\n" })).toEqual([
      { kind: "text", text: "Ana lives in Porto." },
      { kind: "text", text: "Ana works at a clinic." },
    ]);
  });
});
