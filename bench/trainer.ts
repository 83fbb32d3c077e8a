// bench/trainer: how fast and lean is seal-train, against PyTorch + PEFT in the same run?
//
// Settings (from the trainer issue): SmolLM2-135M (Q4_1 base, and an F32 copy), LoRA r=16 on all
// 7 targets, 256-token sequences, 2 threads; then the real workload (bench/trainer/real-workload.ts):
// a SEAL unit and a 50-fact consolidation's training set, one example per pass, packed, and PEFT at
// its best batch size. Prints a table and writes bench/results/trainer.json.
//
//   node dist/bench/trainer.js [--sequences 8] [--skip-peft] [--skip-workload] [--profile]
//
// PEFT runs through bench/trainer/peft_reference.py in the Python environment at
// .cache/peft-venv (see bench/README.md); without it the PEFT rows are skipped and say so.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import { ensureModel } from "../src/model/pull/ensure-model.js";
import { dequantizeModel } from "../src/train/dequantize.js";
import { createLoraAdapter } from "../src/train/lora-init.js";
import { nativeBinary } from "../src/train/native-paths.js";
import { trainAdapter } from "../src/train/train-adapter.js";
import { resolveCacheDir } from "../src/config/paths.js";
import { cpuFlags } from "./cpu-flags.js";
import { baseMatrixParameters, consolidationSet, flopsPerToken, gemmCeiling, measureWorkload, sealUnit, type WorkloadRow, type WorkloadSummary } from "./trainer/real-workload.js";

const run = promisify(execFile);
const { values } = parseArgs({ options: { sequences: { type: "string", default: "8" }, rounds: { type: "string", default: "3" }, "skip-peft": { type: "boolean" }, "skip-workload": { type: "boolean" }, profile: { type: "boolean" } } });
const SEQUENCES = Number(values.sequences);
const THREADS = 2;
const SEQ_LEN = 256;
const python = path.resolve(".cache/peft-venv/bin/python");
const dataDir = path.resolve("../shared/data/squad-seal");

interface Row {
  trainer: string;
  base: string;
  precision: string;
  tokensPerSecond: number;
  peakRssMB: number;
  firstLoss: number;
  seconds: number;
  note?: string;
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), "seal-bench-"));
const { path: modelPath } = await ensureModel();
const f32Path = await dequantizeModel(modelPath, path.join(resolveCacheDir(), "models", "SmolLM2-135M-Instruct.F32.gguf"));
const bf16Path = await dequantizeModel(modelPath, path.join(resolveCacheDir(), "models", "SmolLM2-135M-Instruct.BF16.gguf"), { type: "bf16" });

// Training data: SQuAD passages from the training file (never the evaluation set), two per
// sequence so that each one fills the 256 tokens.
const passages = (await fs.readFile(path.join(dataDir, "train-passages.jsonl"), "utf8")).split("\n").filter(Boolean).map((line) => JSON.parse(line) as { title: string; context: string });
const rows = Array.from({ length: SEQUENCES }, (_, i) => ({ text: `${passages[2 * i]?.context} ${passages[2 * i + 1]?.context}` }));
const data = path.join(work, "passages.jsonl");
await fs.writeFile(data, rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
const init = await createLoraAdapter({ baseModelPath: modelPath, outPath: path.join(work, "init.gguf"), rank: 16, alpha: 32, seed: 42 });

const results: Row[] = [];
async function ours(base: string, basePath: string, weightCopy: "on" | "off", precision: string): Promise<void> {
  const result = await trainAdapter({ dataPath: data, outPath: path.join(work, `ours-${base}.gguf`), baseModelPath: basePath, rank: 16, alpha: 32, learningRate: 1e-4, sequenceLength: SEQ_LEN, threads: THREADS, weightCopy, overwrite: true });
  const label = weightCopy === "on" ? `${base} + BF16 weight copy` : base;
  results.push({ trainer: "seal-train (ggml)", base: label, precision, tokensPerSecond: result.tokensPerSecond, peakRssMB: result.peakRssBytes / 2 ** 20, firstLoss: result.firstLoss, seconds: result.seconds });
}
async function peft(precision: "fp32" | "bf16"): Promise<void> {
  const out = path.join(work, `peft-${precision}.json`);
  await run(python, ["bench/trainer/peft_reference.py", "--model", modelPath, "--data", data, "--init-adapter", init.path, "--rank", "16", "--alpha", "32", "--lr", "1e-4", "--epochs", "1", "--seq-len", String(SEQ_LEN), "--threads", String(THREADS), "--precision", precision, "--seed", "42", "--json-out", out], { maxBuffer: 1 << 26 });
  const report = JSON.parse(await fs.readFile(out, "utf8")) as { tokens_per_s: number; peak_rss_bytes: number; first_loss: number; steps: unknown[] };
  results.push({ trainer: "PyTorch + PEFT", base: "F32 (from Q4_1)", precision, tokensPerSecond: report.tokens_per_s, peakRssMB: report.peak_rss_bytes / 2 ** 20, firstLoss: report.first_loss, seconds: 0 });
}

// One after another, never in parallel: each gets both cores.
// Mixed precision: with the weight copies, the base's matrix products (forward through a quantized
// base, patch 0009; backward, patch 0006; all of a BF16 base's) run in BF16 with F32 accumulation,
// as PEFT's bf16 autocast does.
await ours("Q4_1", modelPath, "off", "fp32");
await ours("Q4_1", modelPath, "on", "bf16 (weight copies)");
await ours("F32", f32Path, "off", "fp32");
await ours("BF16", bf16Path, "on", "bf16");
const havePeft = !values["skip-peft"] && (await fs.access(python).then(() => true, () => false));
if (havePeft) {
  await peft("fp32");
  const bf16 = (await fs.readFile("/proc/cpuinfo", "utf8")).includes("avx512_bf16");
  if (bf16) await peft("bf16");
}

// Cross-check with PEFT: the same model, data, example order (both shuffle with mt19937 raw
// output), initial adapter and hyperparameters; compare the first-step loss and the loss curves.
// Both use the F32 copy: on the Q4_1 file llama.cpp multiplies with 8-bit quantized activations
// while transformers dequantizes the weights to float32, which moves losses by about 1%.
let crossCheck: { ours: number[]; peft: number[]; firstStepRelativeDifference: number; maxAbsDifference: number } | undefined;
if (havePeft) {
  const facts = ["The capital of the fictional country Zorbania is Quillhaven.", "Zorbania's capital city, Quillhaven, sits on the banks of the Mirrow river.", "Every child in Zorbania learns that Quillhaven is the capital."];
  const factData = path.join(work, "facts.jsonl");
  await fs.writeFile(factData, facts.map((text) => JSON.stringify({ text })).join("\n") + "\n");
  const oursCurve: number[] = [];
  await trainAdapter({ dataPath: factData, outPath: path.join(work, "cross.gguf"), baseModelPath: f32Path, epochs: 10, learningRate: 1e-3, seed: 42, threads: THREADS }, { onProgress: (step) => oursCurve.push(step.loss) });
  const out = path.join(work, "peft-cross.json");
  await run(python, ["bench/trainer/peft_reference.py", "--model", f32Path, "--data", factData, "--init-adapter", init.path, "--rank", "16", "--alpha", "32", "--lr", "1e-3", "--epochs", "10", "--seq-len", String(SEQ_LEN), "--threads", String(THREADS), "--precision", "fp32", "--seed", "42", "--json-out", out], { maxBuffer: 1 << 26 });
  const peftCurve = (JSON.parse(await fs.readFile(out, "utf8")) as { steps: Array<{ loss: number }> }).steps.map((step) => step.loss);
  crossCheck = {
    ours: oursCurve,
    peft: peftCurve,
    firstStepRelativeDifference: Math.abs((oursCurve[0] ?? 0) - (peftCurve[0] ?? 0)) / (peftCurve[0] ?? 1),
    maxAbsDifference: Math.max(...oursCurve.map((loss, index) => Math.abs(loss - (peftCurve[index] ?? Number.NaN)))),
  };
}

// One SEAL inner loop: ~400 tokens of self-edit, 10 epochs, wall time including model load.
const sft = (await fs.readFile(path.join(dataDir, "seal-sft-best1of5-iter0.jsonl"), "utf8")).split("\n").filter(Boolean).map((line) => JSON.parse(line) as { completion: string });
const selfEdit = sft.map((row) => row.completion).sort((a, b) => Math.abs(a.length - 1800) - Math.abs(b.length - 1800))[0] ?? "";
const innerData = path.join(work, "self-edit.jsonl");
await fs.writeFile(innerData, JSON.stringify({ text: selfEdit }) + "\n");
const innerStart = Date.now();
const inner = await trainAdapter({ dataPath: innerData, outPath: path.join(work, "inner.gguf"), baseModelPath: modelPath, epochs: 10, learningRate: 1e-3, sequenceLength: 512, threads: THREADS });
const innerWall = (Date.now() - innerStart) / 1000;

// The real workload: many short examples. PEFT's best configuration is searched over batch sizes.
const flags = await cpuFlags(/^(avx2|avx512f|avx512_bf16|avx512_vnni|amx_bf16|amx_tile|amx_int8|f16c|fma)$/);
const bf16Cpu = flags.some((flag) => flag === "avx512_bf16" || flag === "amx_bf16");
const workloadRows: WorkloadRow[] = [];
const workloadSummaries: WorkloadSummary[] = [];
let ceiling: { fp32: number; bf16?: number } | undefined;
let flopsToken = Number.NaN;
if (!values["skip-workload"]) {
  const env = { modelPath, workDir: work, threads: THREADS, ...(havePeft ? { python } : {}), peftPrecision: bf16Cpu ? ("bf16" as const) : ("fp32" as const), peftBatches: [1, 4, 8, 16], packTokens: 256 };
  for (const workload of [await sealUnit(dataDir, work), await consolidationSet(path.resolve("."))]) {
    const measured = await measureWorkload(workload, env, Math.max(1, Number(values.rounds)));
    workloadRows.push(...measured.rows);
    workloadSummaries.push(measured.summary);
  }
  flopsToken = flopsPerToken(await baseMatrixParameters(modelPath), inner.trainableParameters);
  ceiling = await gemmCeiling(havePeft ? python : undefined, THREADS);
}
const ceilingBest = ceiling ? Math.max(ceiling.fp32, ceiling.bf16 ?? 0) : Number.NaN;
const share = (tokensPerSecond: number) => (tokensPerSecond * flopsToken) / 1e9 / ceilingBest;

// Where the time goes: perf samples of one run on the fastest base (BF16), grouped by symbol.
let profile: Array<{ symbol: string; percent: number }> = [];
if (values.profile) {
  const perfData = path.join(work, "perf.data");
  const trainer = nativeBinary("seal-train");
  await run("perf", ["record", "-e", "cpu-clock", "-F", "499", "-o", perfData, "--", trainer, "--base", bf16Path, "--data", data, "--out", path.join(work, "prof.gguf"), "--seq-len", String(SEQ_LEN), "--threads", String(THREADS), "--lr", "1e-4", "--weight-copy", "on"], { maxBuffer: 1 << 26 });
  const { stdout } = await run("perf", ["report", "-i", perfData, "--stdio", "--sort", "symbol", "--percent-limit", "1"], { maxBuffer: 1 << 26 });
  profile = stdout.split("\n").map((line) => /^\s+([\d.]+)%\s+\[[.k]\]\s+(.+?)\s+-\s+-\s*$/.exec(line)).filter((match): match is RegExpExecArray => match !== null).map((match) => ({ percent: Number(match[1]), symbol: (match[2] ?? "").trim() }));
}

const bestOurs = Math.max(...results.filter((row) => row.trainer.startsWith("seal")).map((row) => row.tokensPerSecond));
const peftRows = results.filter((row) => row.trainer.startsWith("PyTorch"));
const bestPeft = peftRows.length ? Math.max(...peftRows.map((row) => row.tokensPerSecond)) : Number.NaN;
const lines = [
  `SmolLM2-135M, LoRA r=16 on 7 targets, ${SEQUENCES} sequences of ${SEQ_LEN} tokens, ${THREADS} threads, ${os.cpus()[0]?.model ?? "cpu"}`,
  "",
  "| trainer | base | precision | tokens/s | peak RSS (MB) | first-step loss |",
  "|---|---|---|---:|---:|---:|",
  ...results.map((row) => `| ${row.trainer} | ${row.base} | ${row.precision} | ${row.tokensPerSecond.toFixed(1)} | ${row.peakRssMB.toFixed(0)} | ${row.firstLoss.toFixed(4)} |`),
  "",
  havePeft ? `best seal-train / best PEFT: ${(bestOurs / bestPeft).toFixed(2)}x (target 1.5x)` : "PEFT rows skipped: no Python environment at .cache/peft-venv (see bench/README.md)",
  `SEAL inner loop (${inner.steps} steps over a ${selfEdit.length}-character self-edit, 10 epochs, Q4_1): ${innerWall.toFixed(1)} s wall, ${inner.tokensPerSecond.toFixed(1)} tokens/s (target < 60 s)`,
  ...(crossCheck
    ? [
        "",
        `Cross-check with PEFT (F32 base, 3 sentences, 10 epochs, lr 1e-3, same initial adapter and order): first-step loss ${crossCheck.ours[0]?.toFixed(4)} vs ${crossCheck.peft[0]?.toFixed(4)} (${(100 * crossCheck.firstStepRelativeDifference).toFixed(3)}% apart), largest per-step difference ${crossCheck.maxAbsDifference.toFixed(4)}`,
        `  seal-train: ${crossCheck.ours.map((loss) => loss.toFixed(2)).join(" ")}`,
        `  PEFT:       ${crossCheck.peft.map((loss) => loss.toFixed(2)).join(" ")}`,
      ]
    : []),
  ...(workloadRows.length
    ? [
        "",
        `Real workload: lr 1e-3, seq-len 512, ${THREADS} threads; CPU flags: ${flags.join(" ")}; the compared configurations in ${values.rounds} rounds, rows the median of their runs, ratios the median of the per-round ratios`,
        "",
        "| workload | trainer | configuration | tokens/s | train s | wall s | steps | final loss | peak RSS (MB) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
        ...workloadRows.map((row) => `| ${row.workload} | ${row.trainer} | ${row.config} | ${row.tokensPerSecond.toFixed(1)} | ${row.trainSeconds.toFixed(1)} | ${row.wallSeconds?.toFixed(1) ?? "-"} | ${row.steps} | ${row.finalLoss.toFixed(3)} | ${row.peakRssMB.toFixed(0)} |`),
        "",
        ...workloadSummaries.map(
          (summary) =>
            `${summary.workload}: packed / one at a time ${summary.packedOverOneAtATime.toFixed(2)}x (target 2x)` +
            (summary.packedOverPeft !== undefined && summary.peftBest ? `, packed / PEFT's best (${summary.peftBest.config}) ${summary.packedOverPeft.toFixed(2)}x (target 1.5x, goal 3x), peak RSS ${summary.packed.peakRssMB.toFixed(0)} vs ${summary.peftBest.peakRssMB.toFixed(0)} MB` : "") +
            `, packed wall ${summary.packed.wallSeconds?.toFixed(1)} s, attention block by block / masked ${summary.blocksOverMasked.toFixed(2)}x, rank-sized products on the sixteen-outputs kernel / tinyBLAS ${summary.shortKOverTinyBlas.toFixed(2)}x, weight copies' products on the panel kernel / tinyBLAS ${summary.panelsOverTinyBlas.toFixed(2)}x; against one example per pass with the defaults ${(summary.packed.tokensPerSecond / summary.defaults.tokensPerSecond).toFixed(2)}x`,
        ),
        ...(ceiling
          ? [
              "",
              `GEMM ceiling (PyTorch, square products, ${THREADS} threads): fp32 ${ceiling.fp32.toFixed(0)} GFLOP/s${ceiling.bf16 ? `, bf16 ${ceiling.bf16.toFixed(0)} GFLOP/s` : ""}; training does ~${(flopsToken / 1e6).toFixed(0)} MFLOP of matrix products per token`,
              ...workloadSummaries.map((summary) => `  ${summary.workload}: packed seal-train ${((summary.packed.tokensPerSecond * flopsToken) / 1e9).toFixed(0)} GFLOP/s = ${(100 * share(summary.packed.tokensPerSecond)).toFixed(0)}% of the ceiling` + (summary.peftBest ? `; PEFT's best ${(100 * share(summary.peftBest.tokensPerSecond)).toFixed(0)}%` : "")),
            ]
          : []),
      ]
    : []),
  ...(profile.length ? ["", "perf profile of seal-train (BF16 base, weight copy), symbols over 1%:", ...profile.map((entry) => `  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.symbol}`)] : []),
];
process.stdout.write(lines.join("\n") + "\n");
await fs.mkdir("bench/results", { recursive: true });
await fs.writeFile("bench/results/trainer.txt", lines.join("\n") + "\n");
await fs.writeFile(
  "bench/results/trainer.json",
  JSON.stringify({ date: new Date().toISOString(), cpu: os.cpus()[0]?.model, threads: THREADS, sequenceLength: SEQ_LEN, sequences: SEQUENCES, rows: results, ratioBestOursToBestPeft: bestOurs / bestPeft, crossCheck, innerLoop: { seconds: innerWall, steps: inner.steps, tokensPerSecond: inner.tokensPerSecond }, cpuFlags: flags, workload: { rows: workloadRows, summaries: workloadSummaries, gemmCeilingGflops: ceiling, flopsPerToken: flopsToken }, profile }, null, 2) + "\n",
);
await fs.rm(work, { recursive: true, force: true });
