// bench/pass-length: on this machine, does a bigger forward/backward pass train faster per token?
//
// Packing (seal-train --pack-tokens) puts several short examples into one pass. What it can gain
// over one example per pass is bounded by how much cheaper a token is in a bigger pass, plus the
// optimizer steps it saves (one per pass instead of one per example). This bench measures both,
// in one run, in rounds (this shared machine drifts by up to 20% from minute to minute):
//
//   - one example per pass, examples of ~16 to ~256 tokens (SQuAD training passages cut into
//     pieces, ~6,000 tokens per set, 1 epoch): tokens/s by pass length;
//   - the 50-fact consolidation's training set (3 epochs): one example per pass; one example per
//     pass with an optimizer step every K examples (gradient accumulation, K = the examples per
//     packed pass, so the optimizer steps as often as packed); packed to 256 tokens.
//
// All with the BF16 weight copies and the default kernels, 2 threads. Prints a table and writes
// bench/results/pass-length.{txt,json}.
//
//   node dist/bench/pass-length.js [--rounds 3]
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureModel } from "../src/model/pull/ensure-model.js";
import { trainAdapter } from "../src/train/train-adapter.js";
import { cpuFlags } from "./cpu-flags.js";
import { baseMatrixParameters, flopsPerToken, gemmCeiling, median } from "./trainer/real-workload.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const ROUNDS = Math.max(1, Number(values.rounds));
const THREADS = 2;
const LENGTHS = [16, 32, 64, 128, 256] as const;
const TOKENS_PER_SET = 6144;
// SmolLM2's tokenizer gives ~1.35 tokens per English word on SQuAD text.
const WORDS_PER_TOKEN = 0.74;

interface Run {
  tokensPerSecond: number;
  seconds: number;
  steps: number;
  tokens: number;
  trainableParameters: number;
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), "seal-pass-length-"));
const { path: modelPath } = await ensureModel();

// Training passages only (never the evaluation set), cut into pieces of ~L tokens.
const passages = (await fs.readFile(path.resolve("../shared/data/squad-seal/train-passages.jsonl"), "utf8")).split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { context: string }).context);
const words = passages.join(" ").split(/\s+/);
const sets = new Map<number, string>();
for (const length of LENGTHS) {
  const perExample = Math.max(4, Math.round(length * WORDS_PER_TOKEN));
  const lines = Array.from({ length: Math.floor(TOKENS_PER_SET / length) }, (_, i) => JSON.stringify({ text: words.slice(i * perExample, (i + 1) * perExample).join(" ") }));
  const file = path.join(work, `length-${length}.jsonl`);
  await fs.writeFile(file, lines.join("\n") + "\n");
  sets.set(length, file);
}
const consolidation = path.resolve("bench/trainer/consolidation-50.jsonl");
const consolidationExamples = (await fs.readFile(consolidation, "utf8")).split("\n").filter(Boolean).length;

async function train(dataPath: string, epochs: number, options: { packTokens?: number; batchSize?: number }): Promise<Run> {
  const result = await trainAdapter({ dataPath, outPath: path.join(work, "out.gguf"), overwrite: true, baseModelPath: modelPath, learningRate: 1e-3, epochs, sequenceLength: 512, threads: THREADS, weightCopy: "on", packTokens: options.packTokens ?? 0, batchSize: options.batchSize ?? 1, priority: "normal" });
  return { tokensPerSecond: result.tokensPerSecond, seconds: result.seconds, steps: result.steps, tokens: result.tokensPerSecond * result.seconds, trainableParameters: result.trainableParameters };
}

const byLength = new Map<number, Run[]>(LENGTHS.map((length) => [length, []]));
const onePerPass: Run[] = [];
const accumulated: Run[] = [];
const packed: Run[] = [];
let examplesPerPack = 1;
for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
  for (const length of LENGTHS) byLength.get(length)?.push(await train(sets.get(length) as string, 1, {}));
  const pack = await train(consolidation, 3, { packTokens: 256 });
  packed.push(pack);
  // The packed run's examples per pass, so that accumulation steps the optimizer as often.
  if (round === 0) examplesPerPack = Math.max(1, Math.round((3 * consolidationExamples) / pack.steps));
  accumulated.push(await train(consolidation, 3, { batchSize: examplesPerPack }));
  onePerPass.push(await train(consolidation, 3, {}));
}

const perRound = (over: Run[], under: Run[]) => median(over.map((run, round) => run.tokensPerSecond / (under[round] as Run).tokensPerSecond));
const lengthRows = LENGTHS.map((length) => {
  const runs = byLength.get(length) as Run[];
  return { length, tokensPerExample: median(runs.map((run) => run.tokens / run.steps)), tokensPerSecond: median(runs.map((run) => run.tokensPerSecond)), overShortest: perRound(runs, byLength.get(LENGTHS[0]) as Run[]), runs: runs.map((run) => run.tokensPerSecond) };
});
const best = lengthRows.reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
const consolidationRows = [
  { config: "one example per pass, an optimizer step per example", runs: onePerPass },
  { config: `one example per pass, an optimizer step every ${examplesPerPack} examples (accumulated)`, runs: accumulated },
  { config: "packed to 256 tokens, an optimizer step per pass", runs: packed },
].map((row) => ({ config: row.config, steps: row.runs[0]?.steps ?? 0, tokensPerSecond: median(row.runs.map((run) => run.tokensPerSecond)), runs: row.runs.map((run) => run.tokensPerSecond) }));
// A pass's time as a fixed part plus a part per token, fitted (least squares) over the passes
// of 16-64 tokens, the lengths of a consolidation's and a SEAL unit's examples. If packing made
// the fixed part vanish and a token cost no more in a longer pass, it could train at most
// (fixed + perToken x L) / (perToken x L) the tokens/s of one example of L tokens per pass.
const fitted = lengthRows.filter((row) => row.length <= 64).map((row) => ({ x: row.tokensPerExample, y: (1000 * row.tokensPerExample) / row.tokensPerSecond }));
const meanX = fitted.reduce((sum, point) => sum + point.x, 0) / fitted.length;
const meanY = fitted.reduce((sum, point) => sum + point.y, 0) / fitted.length;
const perTokenMs = fitted.reduce((sum, point) => sum + (point.x - meanX) * (point.y - meanY), 0) / fitted.reduce((sum, point) => sum + (point.x - meanX) ** 2, 0);
const fixedMs = meanY - perTokenMs * meanX;
const consolidationTokensPerExample = median(onePerPass.map((run) => run.tokens / run.steps));
const packingBound = (fixedMs + perTokenMs * consolidationTokensPerExample) / (perTokenMs * consolidationTokensPerExample);
// What a 2x would take: the fixed part at least as large as an example's per-token part, so a
// token at most fixed / L ms, which is a rate of matrix products alone (bench/trainer's count)
// to hold against the machine's GEMM ceiling (PyTorch's, where bench/trainer's Python is set up).
const neededTokensPerSecond = (1000 * consolidationTokensPerExample) / fixedMs;
const neededGflops = (neededTokensPerSecond * flopsPerToken(await baseMatrixParameters(modelPath), onePerPass[0]?.trainableParameters ?? 0)) / 1e9;
const python = path.resolve(".cache/peft-venv/bin/python");
const ceiling = await gemmCeiling(await fs.access(python).then(() => python, () => undefined), THREADS);
const ceilingBest = ceiling ? Math.max(ceiling.fp32, ceiling.bf16 ?? 0) : undefined;
const ratios = {
  packedOverOnePerPass: perRound(packed, onePerPass),
  accumulatedOverOnePerPass: perRound(accumulated, onePerPass),
  packedOverAccumulated: perRound(packed, accumulated),
  bestLengthOverShortest: best.overShortest,
  longestOverBest: perRound(byLength.get(256) as Run[], byLength.get(best.length) as Run[]),
};

const flags = await cpuFlags(/^(avx2|avx512f|avx512_bf16|avx512_vnni|amx_bf16|amx_tile|amx_int8|f16c|fma)$/);
const lines = [
  `seal-train, SmolLM2-135M Q4_1 + BF16 weight copies, LoRA r=16 on 7 targets, lr 1e-3, ${THREADS} threads, ${os.cpus()[0]?.model ?? "cpu"} (${flags.join(" ")}); ${ROUNDS} rounds, rows the median of their runs, ratios the median of the per-round ratios`,
  "",
  "One example per pass, by its length (SQuAD training passages, ~6,000 tokens, 1 epoch):",
  "",
  "| tokens per pass | tokens/s | / 16-token passes |",
  "|---:|---:|---:|",
  ...lengthRows.map((row) => `| ${row.tokensPerExample.toFixed(0)} | ${row.tokensPerSecond.toFixed(1)} | ${row.overShortest.toFixed(2)}x |`),
  "",
  `Fastest per token: passes of ~${best.tokensPerExample.toFixed(0)} tokens; passes of ~${lengthRows[lengthRows.length - 1]?.tokensPerExample.toFixed(0)} tokens run at ${ratios.longestOverBest.toFixed(2)}x their tokens/s.`,
  `A pass of 16-64 tokens takes ~${fixedMs.toFixed(1)} ms + ${perTokenMs.toFixed(2)} ms per token (least squares): with no fixed part and no dearer tokens, packing examples of ~${consolidationTokensPerExample.toFixed(0)} tokens (the set below) could reach at most ${packingBound.toFixed(2)}x one example per pass.`,
  "",
  `For 2x, a token's part would have to fall to ${(fixedMs / consolidationTokensPerExample).toFixed(2)} ms (${neededTokensPerSecond.toFixed(0)} tokens/s), ${neededGflops.toFixed(0)} GFLOP/s of matrix products alone` + (ceilingBest ? `: ${((100 * neededGflops) / ceilingBest).toFixed(0)}% of this machine's GEMM ceiling (${ceilingBest.toFixed(0)} GFLOP/s, PyTorch), with no time left for attention, the cross-entropy, norms and copies.` : " (no GEMM ceiling measured: bench/trainer's Python environment is missing)."),
  "",
  `50-fact consolidation's training set (${consolidationExamples} examples, 3 epochs):`,
  "",
  "| configuration | optimizer steps | tokens/s |",
  "|---|---:|---:|",
  ...consolidationRows.map((row) => `| ${row.config} | ${row.steps} | ${row.tokensPerSecond.toFixed(1)} |`),
  "",
  `packed / one example per pass ${ratios.packedOverOnePerPass.toFixed(2)}x = fewer optimizer steps (accumulated / one per pass) ${ratios.accumulatedOverOnePerPass.toFixed(2)}x times the shared pass (packed / accumulated) ${ratios.packedOverAccumulated.toFixed(2)}x`,
];
process.stdout.write(lines.join("\n") + "\n");
await fs.mkdir("bench/results", { recursive: true });
await fs.writeFile("bench/results/pass-length.txt", lines.join("\n") + "\n");
await fs.writeFile("bench/results/pass-length.json", JSON.stringify({ date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cpuFlags: flags, threads: THREADS, rounds: ROUNDS, lengths: lengthRows, consolidation: { examples: consolidationExamples, tokensPerExample: consolidationTokensPerExample, examplesPerPack, rows: consolidationRows }, passFit: { fixedMs, perTokenMs, packingBound }, twoX: { tokensPerSecond: neededTokensPerSecond, gflops: neededGflops, gemmCeilingGflops: ceiling }, ratios }, null, 2) + "\n");
await fs.rm(work, { recursive: true, force: true });
