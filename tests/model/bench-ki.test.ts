import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConsolidationPlugins } from "../../src/consolidate/default-plugins.js";
import { filterSelfEdits } from "../../src/consolidate/self-edit-filters.js";
import { studentWriter } from "../../src/consolidate/writers/student-writer.js";
import { runKiBenchmark } from "../../src/eval/ki-benchmark.js";
import type { KiSelfEditFiltering } from "../../src/eval/ki-self-edit.js";
import { tempDir } from "../helpers/temp-dir.js";

// A smoke run of every condition on 1 passage (of 5 questions), with the real model and trainer. It checks that the
// benchmark runs end to end and that its files are well-formed, not how well the model learns
// (the full run's numbers are in bench/results/ki).
describe("seal bench ki (1-passage smoke run)", () => {
  it("runs all conditions, writes a table, a JSON file with every answer and a chart, and resumes from its cache", { timeout: 900_000 }, async () => {
    const outDir = await tempDir("seal-ki-smoke-");
    const options = {
      dataPath: path.resolve("../shared/data/squad-seal/eval-dev.jsonl"),
      conditions: "base,passage,self,teacher:gpt-4.1,rag",
      limit: 1,
      outDir,
      settings: { epochs: 1, selfEditMaxTokens: 96 },
      // What `seal bench ki` injects: the product's writer, implications strategy and filters.
      selfEdits: { createWriter: studentWriter, strategy: defaultConsolidationPlugins().strategies.implications!, filter: filterSelfEdits },
    };
    const progress: string[] = [];
    const result = await runKiBenchmark(options, { onProgress: (event) => progress.push(`${event.done}/${event.total}`) });
    expect(result).toBeDefined();
    const conditions = ["base", "passage", "self", "teacher:gpt-4.1", "rag"];
    expect(result!.summaries.map((row) => row.condition)).toEqual(conditions);
    expect(progress.at(-1)).toBe("5/5");
    for (const row of result!.summaries) {
      expect(row.passages).toBe(1);
      expect(row.questions).toBeGreaterThanOrEqual(2);
      expect(row.accuracy).toBeGreaterThanOrEqual(0);
      expect(row.accuracyLow).toBeLessThanOrEqual(row.accuracy);
      expect(row.accuracyHigh).toBeGreaterThanOrEqual(row.accuracy);
      expect(Number.isFinite(row.logProbGain)).toBe(true);
    }
    expect(result!.summaries[0]!.logProbGain).toBe(0); // base against itself

    const table = await fs.readFile(result!.files.table, "utf8");
    for (const condition of conditions) expect(table).toMatch(new RegExp(`^\\| ${condition.replace(".", "\\.")}[ |(]`, "m"));
    const json = JSON.parse(await fs.readFile(result!.files.json, "utf8")) as {
      settings: { selfEditTemperature: number };
      results: Array<{ condition: string; answers: Array<{ answer: string; gold: string; correct: boolean; f1: number; goldLogProb: number }>; selfEdits?: string[]; selfEditFilter?: KiSelfEditFiltering; training?: { steps: number; examples: number } }>;
    };
    expect(json.settings.selfEditTemperature).toBe(0.7); // sampled, as consolidation samples
    expect(json.results).toHaveLength(5);
    for (const entry of json.results) {
      expect(entry.answers.length).toBeGreaterThan(0);
      for (const answer of entry.answers) {
        expect(typeof answer.answer).toBe("string");
        expect(answer.goldLogProb).toBeLessThan(0);
      }
      if (["passage", "self", "teacher:gpt-4.1"].includes(entry.condition)) expect(entry.training?.steps).toBeGreaterThan(0);
    }
    // The model's own self-edits went through the product's filters, and ki-results.json counts what they kept and dropped, and why.
    const self = json.results.filter((entry) => entry.condition === "self");
    expect(self).toHaveLength(1);
    for (const entry of self) {
      const filtering = entry.selfEditFilter!;
      expect(filtering).toMatchObject({ writer: "student", strategy: "implications" });
      expect(filtering.kept + filtering.dropped).toBe(filtering.items);
      expect(entry.selfEdits).toHaveLength(filtering.kept);
      expect(entry.training?.examples).toBe(filtering.kept + 1); // each kept item, plus the passage
      expect(Object.values(filtering.droppedBy).reduce((sum, count) => sum + count, 0)).toBe(filtering.dropped);
      expect(filtering.droppedItems).toHaveLength(filtering.dropped);
      for (const item of entry.selfEdits!) expect(item.trim().length > 0 && !item.includes("\n")).toBe(true); // one item, one example
    }
    expect(self.reduce((sum, entry) => sum + entry.selfEditFilter!.items, 0)).toBeGreaterThan(0);
    const svg = await fs.readFile(result!.files.chart, "utf8");
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<rect /g)?.length).toBe(1 + 2 * conditions.length); // background + two panels of bars

    // The same command again is answered from the cache.
    const again = await runKiBenchmark(options);
    expect(again!.cached).toBe(5);
    expect(again!.summaries).toEqual(result!.summaries);
  });
});
