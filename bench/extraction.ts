// bench/extraction: how well do the extractors turn user messages into memories?
//
//   node dist/bench/extraction.js [--extractors sentence,model] [--split dev|test|all] [--errors]
//
// Scores each extractor on bench/extraction/labelled.jsonl (hand-labelled; conventions in
// bench/extraction/CONVENTIONS.md): a predicted memory is right when its text, normalized (case,
// punctuation, quotes), equals the expected text or one of its alternates; each expected memory
// is matched at most once. Precision = right / predicted, recall = right / expected; kind and
// durability accuracy are over the matched memories. The extractor was tuned on the dev split only.
// Prints a table and writes bench/results/extraction.{json,txt}.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { modelExtractor, sentenceExtractor } from "../plugins/memory-rules/index.js";
import type { MemoryExtractor, RememberInput } from "../src/index.js";
import { ensureModel } from "../src/model/pull/ensure-model.js";
import { SealRuntime } from "../src/model/runtime.js";

interface Expected {
  text: string;
  kind: string;
  durability: string;
  alternates?: string[];
}
interface LabelledLine {
  id: string;
  category: string;
  split: "dev" | "test";
  user: string;
  expected: Expected[];
}
interface Score {
  lines: number;
  predicted: number;
  expected: number;
  matched: number;
  kindRight: number;
  durabilityRight: number;
  exactLines: number;
}

const { values } = parseArgs({ options: { extractors: { type: "string", default: "sentence,model" }, errors: { type: "boolean" } } });
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.basename(path.dirname(here)) === "dist" ? path.resolve(here, "../..") : path.resolve(here, "..");
const dataPath = path.join(root, "bench/extraction/labelled.jsonl");
const data = (await fs.readFile(dataPath, "utf8"))
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as LabelledLine);

const normalize = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();

function scoreLine(predicted: RememberInput[], expected: Expected[]): { matched: Array<[RememberInput, Expected]>; unmatchedPredicted: RememberInput[]; unmatchedExpected: Expected[] } {
  const open = [...expected];
  const matched: Array<[RememberInput, Expected]> = [];
  const unmatchedPredicted: RememberInput[] = [];
  for (const memory of predicted) {
    const text = normalize(memory.text);
    const index = open.findIndex((candidate) => [candidate.text, ...(candidate.alternates ?? [])].some((option) => normalize(option) === text));
    if (index < 0) unmatchedPredicted.push(memory);
    else matched.push([memory, open.splice(index, 1)[0] as Expected]);
  }
  return { matched, unmatchedPredicted, unmatchedExpected: open };
}

const empty = (): Score => ({ lines: 0, predicted: 0, expected: 0, matched: 0, kindRight: 0, durabilityRight: 0, exactLines: 0 });
const rate = (a: number, b: number): number => (b === 0 ? 1 : a / b);

const extractors: Array<{ name: string; make: () => Promise<{ extractor: MemoryExtractor; close: () => Promise<void> }> }> = [
  { name: "sentence", make: async () => ({ extractor: sentenceExtractor, close: async () => {} }) },
  {
    name: "model",
    make: async () => {
      const runtime = await SealRuntime.load({ modelPath: (await ensureModel()).path });
      return { extractor: modelExtractor(runtime), close: () => runtime.dispose() };
    },
  },
];

const lines: string[] = [];
const print = (line = "") => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};
const cpu = os.cpus()[0]?.model ?? "unknown";
print(`bench/extraction on ${cpu}, ${os.cpus().length} CPUs; ${data.length} labelled lines (${data.filter((line) => line.split === "dev").length} dev, ${data.filter((line) => line.split === "test").length} test)`);
const results: Record<string, Record<string, Score & { precision: number; recall: number; kindAccuracy: number; durabilityAccuracy: number; seconds: number }>> = {};
const errors: string[] = [];

for (const entry of extractors.filter((candidate) => values.extractors.split(",").includes(candidate.name))) {
  const { extractor, close } = await entry.make();
  const scores: Record<string, Score> = { dev: empty(), test: empty(), all: empty() };
  const started = performance.now();
  for (const line of data) {
    const predicted = await extractor.extract({ user: line.user });
    const { matched, unmatchedPredicted, unmatchedExpected } = scoreLine(predicted, line.expected);
    for (const score of [scores[line.split] as Score, scores.all as Score]) {
      score.lines++;
      score.predicted += predicted.length;
      score.expected += line.expected.length;
      score.matched += matched.length;
      score.kindRight += matched.filter(([memory, want]) => (memory.kind ?? "fact") === want.kind).length;
      score.durabilityRight += matched.filter(([memory, want]) => (memory.durability ?? "unknown") === want.durability).length;
      if (unmatchedPredicted.length === 0 && unmatchedExpected.length === 0) score.exactLines++;
    }
    for (const [memory, want] of matched) {
      if ((memory.kind ?? "fact") !== want.kind || memory.durability !== want.durability) errors.push(`${entry.name} ${line.split} ${line.id} class: "${memory.text}" got ${memory.kind}/${memory.durability}, want ${want.kind}/${want.durability}`);
    }
    for (const memory of unmatchedPredicted) errors.push(`${entry.name} ${line.split} ${line.id} extra: "${memory.text}" (from "${line.user}")`);
    for (const want of unmatchedExpected) errors.push(`${entry.name} ${line.split} ${line.id} missed: "${want.text}" (from "${line.user}")`);
  }
  const seconds = (performance.now() - started) / 1000;
  await close();
  results[entry.name] = Object.fromEntries(
    Object.entries(scores).map(([split, score]) => [split, { ...score, precision: rate(score.matched, score.predicted), recall: rate(score.matched, score.expected), kindAccuracy: rate(score.kindRight, score.matched), durabilityAccuracy: rate(score.durabilityRight, score.matched), seconds }]),
  );
}

print();
print("| extractor | split | lines | expected | predicted | right | precision | recall | kind acc. | durability acc. | lines exact | s |");
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const [name, splits] of Object.entries(results)) {
  for (const [split, score] of Object.entries(splits)) {
    print(`| ${name} | ${split} | ${score.lines} | ${score.expected} | ${score.predicted} | ${score.matched} | ${score.precision.toFixed(3)} | ${score.recall.toFixed(3)} | ${score.kindAccuracy.toFixed(3)} | ${score.durabilityAccuracy.toFixed(3)} | ${score.exactLines} | ${score.seconds.toFixed(1)} |`);
  }
}
if (values.errors) for (const line of errors) process.stdout.write(`${line}\n`);

const out = path.join(root, "bench/results");
await fs.mkdir(out, { recursive: true });
await fs.writeFile(path.join(out, "extraction.txt"), `${lines.join("\n")}\n`);
await fs.writeFile(path.join(out, "extraction.json"), `${JSON.stringify({ cpu, cpus: os.cpus().length, node: process.version, data: "bench/extraction/labelled.jsonl", results, errors }, null, 2)}\n`);
