import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConsolidationPlugins } from "../../src/consolidate/default-plugins.js";
import { filterSelfEdits } from "../../src/consolidate/self-edit-filters.js";
import { SealError } from "../../src/errors.js";
import { runKiBenchmark } from "../../src/eval/ki-benchmark.js";
import { checkWriters, parseConditions } from "../../src/eval/ki-conditions.js";
import { readKiData, type KiPassage } from "../../src/eval/ki-data.js";
import { writeSelfEdits } from "../../src/eval/ki-passage-run.js";
import type { KiRunEnvironment } from "../../src/eval/ki-run-environment.js";
import { bootstrapInterval } from "../../src/eval/ki-report.js";
import type { KiSelfEditWriter, KiWriterPrompt } from "../../src/eval/ki-self-edit.js";
import { kiSettingsSchema } from "../../src/eval/ki-settings.js";
import { itemTrainingTexts, selfEditItems, trainingTexts } from "../../src/eval/self-edit-text.js";
import { tempDir } from "../helpers/temp-dir.js";

const good = (id: string) => JSON.stringify({ id, title: "T", context: "A passage.", questions: [{ question: "Q?", answer: "A" }], selfEdits: { "gpt-4.1": ["1. One implication here."] } });

async function dataFile(lines: string[]): Promise<string> {
  const file = path.join(await tempDir(), "data.jsonl");
  await fs.writeFile(file, lines.join("\n") + "\n");
  return file;
}

async function errorOf(promise: Promise<unknown>): Promise<SealError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!SealError.isInstance(error)) throw new Error(`expected a SealError, got ${String(error)}`);
  return error;
}

describe("knowledge-incorporation data", () => {
  it("reads the shared eval-dev file: 120 passages, 588 questions, three writers with 5 completions each", async () => {
    const passages = await readKiData(path.resolve("../shared/data/squad-seal/eval-dev.jsonl"));
    expect(passages).toHaveLength(120);
    expect(passages.reduce((sum, passage) => sum + passage.questions.length, 0)).toBe(588);
    expect(Object.keys(passages[0]!.selfEdits).sort()).toEqual(["gpt-4.1", "qwen2.5-7b-base", "seal-iter2"]);
    expect(passages.every((passage) => Object.values(passage.selfEdits).every((completions) => completions.length === 5))).toBe(true);
  });

  it("names the line of a malformed JSON line", async () => {
    const error = await errorOf(readKiData(await dataFile([good("a"), "{not json", good("c")])));
    expect(error.code).toBe("BENCH_DATA_INVALID");
    expect(error.message).toMatch(/data\.jsonl:2: not valid JSON/);
    expect(error.context.line).toBe(2);
  });

  it("names the line of a line without a required field", async () => {
    const error = await errorOf(readKiData(await dataFile([good("a"), good("b"), JSON.stringify({ id: "c", title: "T", questions: [] })])));
    expect(error.code).toBe("BENCH_DATA_INVALID");
    expect(error.message).toMatch(/:3: context/);
  });

  it("names the line of a passage with no questions", async () => {
    const error = await errorOf(readKiData(await dataFile([good("a"), JSON.stringify({ id: "b", title: "T", context: "C.", questions: [] })])));
    expect(error.code).toBe("BENCH_DATA_INVALID");
    expect(error.message).toMatch(/:2: passage b has no questions/);
  });

  it("refuses duplicate ids and empty files", async () => {
    expect((await errorOf(readKiData(await dataFile([good("a"), good("a")])))).message).toMatch(/:2: passage id a already used on line 1/);
    expect((await errorOf(readKiData(await dataFile(["", ""])))).code).toBe("BENCH_DATA_INVALID");
  });

  it("names the line of the first passage that lacks an unknown writer, and lists the known ones", async () => {
    const file = await dataFile([good("a"), good("b")]);
    const passages = await readKiData(file);
    const error = (() => {
      try {
        checkWriters(passages, parseConditions("passage,teacher:gpt-5"), file);
      } catch (caught) {
        return caught as SealError;
      }
      throw new Error("no error");
    })();
    expect(error.code).toBe("BENCH_DATA_INVALID");
    expect(error.message).toMatch(/:1: passage a has no self-edits by writer "gpt-5"/);
    expect(error.hint).toContain("gpt-4.1");
    expect(() => checkWriters(passages, parseConditions("teacher:gpt-4.1"), file)).not.toThrow();
  });

  it("parses conditions, always keeps base first, and refuses unknown ones", () => {
    expect(parseConditions("passage,rag,teacher:gpt-4.1,passage").map((condition) => condition.kind)).toEqual(["base", "passage", "rag", "teacher"]);
    expect(() => parseConditions("passage,telepathy")).toThrowError(/Unknown condition "telepathy"/);
    expect(() => parseConditions("teacher:")).toThrowError(/Unknown condition/);
  });
});

describe("self-edit training text", () => {
  it("splits a completion into items without markers, headings or citations, each prefixed with the title, plus the passage", () => {
    const completion = "**Implications:**\n\n1. The army was split into small groups.\n2) The Mongols won quickly.\n- **Otrar** fell first to the Mongols.\nSources:\n1. Khan, G";
    expect(selfEditItems(completion)).toEqual(["The army was split into small groups.", "The Mongols won quickly.", "Otrar fell first to the Mongols."]);
    expect(trainingTexts("Genghis Khan", "The passage.", [completion])).toEqual([
      "Genghis Khan\nThe army was split into small groups.",
      "Genghis Khan\nThe Mongols won quickly.",
      "Genghis Khan\nOtrar fell first to the Mongols.",
      "Genghis Khan\nThe passage.",
    ]);
    expect(trainingTexts("T", "P.", [])).toEqual(["T\nP."]);
  });

  it("makes items already split (the self condition's kept items) one example each, plus the passage, without splitting them again", () => {
    expect(itemTrainingTexts("Otrar", "The passage.", ["1. The siege lasted five months.", "Otrar fell."])).toEqual(["Otrar\n1. The siege lasted five months.", "Otrar\nOtrar fell.", "Otrar\nThe passage."]);
  });
});

describe("the self condition's self-edits (the product's writer, strategy and filters)", () => {
  const passage: KiPassage = { line: 1, id: "p", title: "Otrar", context: "The Mongol army besieged Otrar in 1219. The siege lasted five months.", questions: [{ question: "Q?", answer: "A" }], selfEdits: {} };
  const replies: Record<number, string> = {
    42: "1. The Mongol army besieged Otrar for five months.\n2. The siege ended in 1220.\n3. The siege lasted five months.",
    43: "- The Mongol army besieged Otrar for five months.\n- Genghis Khan led the siege of Otrar.",
  };

  it("samples k replies at the settings' temperature with seed + sample, parses them with the strategy, and keeps what the filters keep, counting the rest by reason", async () => {
    const calls: Array<{ prompt: KiWriterPrompt; temperature: number; seed: number; maxTokens: number }> = [];
    const writer: KiSelfEditWriter = {
      id: "fake",
      write: async (prompt, sampling) => {
        calls.push({ prompt, temperature: sampling.temperature, seed: sampling.seed, maxTokens: sampling.maxTokens });
        return replies[sampling.seed] ?? "";
      },
    };
    const strategy = defaultConsolidationPlugins().strategies.implications!;
    const env = { selfEdits: { writer, strategy, filter: filterSelfEdits } } as unknown as KiRunEnvironment;
    const settings = kiSettingsSchema.parse({ samples: 2 });
    expect(settings.selfEditTemperature).toBe(0.7); // consolidation's default

    const { selfEdits, filtering } = await writeSelfEdits(env, passage, settings);
    expect(calls.map((call) => [call.temperature, call.seed, call.maxTokens])).toEqual([
      [0.7, 42, settings.selfEditMaxTokens],
      [0.7, 43, settings.selfEditMaxTokens],
    ]);
    expect(calls[0]!.prompt).toEqual(strategy.prompt({ title: passage.title, text: passage.context }));
    expect(calls[0]!.prompt.user).toContain("Otrar\nThe Mongol army besieged Otrar in 1219.");
    expect(selfEdits).toEqual(["The Mongol army besieged Otrar for five months.", "The siege lasted five months."]);
    expect(filtering).toEqual({
      writer: "fake",
      strategy: "implications",
      items: 5,
      kept: 2,
      dropped: 3,
      droppedBy: { 'names "…", not in the memories': 2, duplicate: 1 },
      droppedItems: [
        { text: "The siege ended in 1220.", reason: 'names "1220", not in the memories' },
        { text: "The Mongol army besieged Otrar for five months.", reason: "duplicate" },
        { text: "Genghis Khan led the siege of Otrar.", reason: 'names "Khan", not in the memories' },
      ],
    });
  });

  it("refuses a self condition without the writer, strategy and filters (INVALID_OPTIONS), before any model loads", async () => {
    const dataPath = await dataFile([good("a")]);
    const outDir = await tempDir();
    const missing = await errorOf(runKiBenchmark({ dataPath, conditions: "passage,self", outDir }));
    expect(missing.code).toBe("INVALID_OPTIONS");
    expect(missing.message).toMatch(/self condition needs `selfEdits`/);
    const malformed = await errorOf(runKiBenchmark({ dataPath, conditions: "self", outDir, selfEdits: { strategy: {} } as never }));
    expect(malformed.code).toBe("INVALID_OPTIONS");
    expect(malformed.message).toMatch(/selfEdits/);
    await expect(writeSelfEdits({} as KiRunEnvironment, passage, kiSettingsSchema.parse({}))).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });
});

describe("bootstrap interval", () => {
  it("brackets the mean, is deterministic, and narrows with more data", () => {
    const small = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? 1 : 0));
    const large = Array.from({ length: 2000 }, (_, index) => (index % 2 === 0 ? 1 : 0));
    const [low, high] = bootstrapInterval(small, 2000);
    expect(low).toBeLessThan(0.5);
    expect(high).toBeGreaterThan(0.5);
    expect(bootstrapInterval(small, 2000)).toEqual([low, high]);
    const [largeLow, largeHigh] = bootstrapInterval(large, 2000);
    expect(largeHigh - largeLow).toBeLessThan((high - low) / 5);
    expect(bootstrapInterval([1, 1, 1], 100)).toEqual([1, 1]);
  });
});
