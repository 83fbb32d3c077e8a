import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseOptions } from "../config/parse-options.js";
import { SealError, throwIfAborted } from "../errors.js";
import { memoizedFileSha256 } from "../model/file-sha256.js";
import { ensureModel } from "../model/pull/ensure-model.js";
import { SealRuntime } from "../model/runtime.js";
import { KiCache } from "./ki-cache.js";
import { checkWriters, conditionName, parseConditions, trainsAdapter, type KiCondition } from "./ki-conditions.js";
import { runCptCondition } from "./ki-cpt-run.js";
import { readKiData, type KiPassage } from "./ki-data.js";
import { runPassageCondition, type KiPassageResult } from "./ki-passage-run.js";
import type { KiRunEnvironment } from "./ki-run-environment.js";
import { barChartSvg, markdownTable, summarize, type KiConditionSummary } from "./ki-report.js";
import { openKiRetriever, type KiRetriever } from "./ki-retriever.js";
import { isKiSelfEditTools, type KiSelfEditTools, type KiSelfEditWriter } from "./ki-self-edit.js";
import { kiSettingsSchema, type KiSettings } from "./ki-settings.js";

export const kiBenchmarkOptionsSchema = z
  .object({
    /** A JSON Lines file in eval-dev.jsonl's format. */
    dataPath: z.string().min(1),
    /** Comma list: base, passage, self, rag, teacher:<writer>. Defaults to all, with every writer in the data. */
    conditions: z.string().min(1).optional(),
    /** Only the first N passages. */
    limit: z.number().int().positive().optional(),
    /** Where the table, JSON, chart and cache go. */
    outDir: z.string().min(1),
    /** Child processes that split the passages. Defaults to `1` (in this process). */
    workers: z.number().int().positive().max(64).default(1),
    /** Continued pretraining: one adapter per condition over all passages' text. */
    cpt: z.boolean().default(false),
    /** The base GGUF. Defaults to the default model. */
    modelPath: z.string().min(1).optional(),
    /** CPU threads per process. */
    threads: z.number().int().positive().optional(),
    /** Internal: this process is worker `index` of `count`: it takes unclaimed tasks and writes no report. */
    shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
    settings: kiSettingsSchema.default({}),
    /**
     * The product's self-edit writer, strategy and filters, which the `self` condition needs (eval
     * does not import consolidation: `seal bench ki` injects studentWriter, the implications
     * strategy and filterSelfEdits).
     */
    selfEdits: z.custom<KiSelfEditTools>(isKiSelfEditTools, { message: "must be { createWriter, strategy: { name, prompt, parse }, filter }" }).optional(),
  })
  .strict();

export type KiBenchmarkOptions = z.input<typeof kiBenchmarkOptionsSchema>;

export interface KiProgress {
  done: number;
  total: number;
  /** Seconds left at the pace so far (work already cached does not count toward the pace). */
  etaSeconds: number | undefined;
  message: string;
}

export interface KiBenchmarkResult {
  summaries: KiConditionSummary[];
  table: string;
  files: { table: string; json: string; chart: string };
  seconds: number;
  /** Passage-condition results taken from the cache rather than run. */
  cached: number;
}

interface Task {
  key: string;
  passages: KiPassage[];
  condition: KiCondition;
}

/** Adapters node-llama-cpp has loaded stay in memory until the model is disposed: reload this often. */
const ADAPTERS_PER_MODEL_LOAD = 8;

/**
 * SEAL's knowledge-incorporation benchmark on our model and trainer. Resumable (a cache keyed by
 * passage, condition, settings and model), optionally split across worker processes, and reported
 * as a markdown table, a JSON file with every answer, and an SVG chart.
 */
export async function runKiBenchmark(options: KiBenchmarkOptions, control: { signal?: AbortSignal; onProgress?: (progress: KiProgress) => void } = {}): Promise<KiBenchmarkResult | undefined> {
  const started = performance.now();
  const parsed = parseOptions(kiBenchmarkOptionsSchema, options, "runKiBenchmark");
  const settings = parsed.settings;
  const { signal } = control;
  const dataPath = path.resolve(parsed.dataPath);
  const outDir = path.resolve(parsed.outDir);
  const all = await readKiData(dataPath);
  const passages = parsed.limit ? all.slice(0, parsed.limit) : all;
  const conditions = parsed.conditions ? parseConditions(parsed.conditions) : defaultConditions(all);
  checkWriters(passages, conditions, dataPath);
  if (conditions.some((condition) => condition.kind === "self") && !parsed.selfEdits) {
    throw new SealError("INVALID_OPTIONS", "runKiBenchmark: the self condition needs `selfEdits` (the product's writer, strategy and filters)", {
      hint: "Pass `selfEdits: { createWriter: studentWriter, strategy: defaultConsolidationPlugins().strategies.implications, filter: filterSelfEdits }`, or leave `self` out of `conditions`. `seal bench ki` passes them itself.",
    });
  }
  // What writes the `self` condition's self-edits is part of its key: results of another method are never reused.
  const methodOf = (condition: KiCondition): string | undefined => (condition.kind === "self" && parsed.selfEdits ? `writer+${parsed.selfEdits.strategy.name}+filters` : undefined);
  await fs.mkdir(outDir, { recursive: true }).catch((error: unknown) => {
    throw new SealError("OUTPUT_UNWRITABLE", `Cannot create ${outDir}`, { context: { outDir }, cause: error });
  });

  const modelPath = path.resolve(parsed.modelPath ?? (await ensureModel({}, signal ? { signal } : {})).path);
  const modelSha256 = await memoizedFileSha256(modelPath);
  const cache = new KiCache(path.join(outDir, "cache"));
  const mode = parsed.cpt ? "cpt" : "single";
  const tasks: Task[] = [];
  // Passage by passage (all its conditions together), so that a run stopped early leaves whole
  // passages; a continued-pretraining condition is one task over all passages, at the end.
  for (const passage of passages) {
    for (const condition of conditions) {
      if (parsed.cpt && trainsAdapter(condition)) continue;
      tasks.push({ key: cache.key(passage, conditionName(condition), settings, modelSha256, methodOf(condition)), passages: [passage], condition });
    }
  }
  if (parsed.cpt) {
    for (const condition of conditions.filter(trainsAdapter)) {
      const name = `cpt:${conditionName(condition)}`;
      tasks.push({ key: cache.groupKey(passages.map((passage) => cache.key(passage, name, settings, modelSha256, methodOf(condition)))), passages, condition });
    }
  }
  const pending: Task[] = [];
  for (const task of tasks) if (!(await cache.get(task.key))) pending.push(task);
  const cached = tasks.length - pending.length;

  const needsRetriever = pending.some((task) => task.condition.kind === "rag");
  const retrieverDir = path.join(outDir, "rag-store");
  if (parsed.workers > 1 && !parsed.shard && pending.length > 0) {
    if (needsRetriever) await (await openKiRetriever(retrieverDir, all)).close(); // built once, before the workers share it
    await cache.clearClaims(); // left by an interrupted run; nothing else runs on this folder now
    await runWorkers(parsed, options, pending, tasks.length - pending.length, tasks.length, cache, control);
  } else if (pending.length > 0) {
    await runTasks(pending, { modelPath, settings, outDir, retrieverDir, all, needsRetriever, selfEdits: parsed.selfEdits, cache, claim: parsed.shard !== undefined, threads: parsed.threads, done: tasks.length - pending.length, total: tasks.length, ...control });
  }
  if (parsed.shard) return undefined;

  // The report reads everything back from the cache: runs, resumed runs and workers alike.
  const results: KiPassageResult[] = [];
  for (const task of tasks) {
    const result = await cache.get(task.key);
    if (!result) throw new SealError("TRAIN_FAILED", `No result for ${conditionName(task.condition)} on ${task.passages[0]?.id}`, { hint: "A worker failed; run the same command again to resume." });
    results.push(...result);
  }
  const order = conditions.map(conditionName);
  const summaries = summarize(results, order);
  const table = markdownTable(summaries);
  const files = { table: path.join(outDir, "ki-table.md"), json: path.join(outDir, "ki-results.json"), chart: path.join(outDir, "ki-chart.svg") };
  const seconds = (performance.now() - started) / 1000;
  const taskSeconds = results.reduce((sum, result) => sum + result.seconds, 0);
  const header = `Knowledge incorporation (${mode === "cpt" ? "continued pretraining: one adapter over all passages" : "single passage: a fresh adapter per passage"}), ${path.basename(dataPath)}, ${passages.length} passages, model ${path.basename(modelPath)}, ${(taskSeconds / 3600).toFixed(2)} h of task time (summed over workers) on ${os.cpus()[0]?.model ?? "cpu"} x ${os.availableParallelism()}\n\nsettings: ${JSON.stringify(settings)}\n\n`;
  await fs.writeFile(files.table, `${header}${table}\n`);
  await fs.writeFile(
    files.json,
    JSON.stringify({ date: new Date().toISOString(), data: dataPath, mode, passages: passages.length, model: { path: modelPath, sha256: modelSha256 }, settings, machine: { cpu: os.cpus()[0]?.model, cpus: os.availableParallelism() }, taskSeconds, seconds, summaries, results }, null, 1) + "\n",
  );
  await fs.writeFile(files.chart, barChartSvg(summaries, `Knowledge incorporation, ${passages.length} passages (${mode}), ${path.basename(modelPath)}`));
  return { summaries, table, files, seconds, cached };
}

function defaultConditions(passages: readonly KiPassage[]): KiCondition[] {
  const writers = [...new Set(passages.flatMap((passage) => Object.keys(passage.selfEdits)))];
  return parseConditions(["base", "passage", "self", ...writers.map((writer) => `teacher:${writer}`), "rag"].join(","));
}

interface RunTasksContext {
  modelPath: string;
  settings: KiSettings;
  outDir: string;
  retrieverDir: string;
  all: KiPassage[];
  needsRetriever: boolean;
  selfEdits: KiSelfEditTools | undefined;
  cache: KiCache;
  /** Workers share the pending list and take each task by claiming it first. */
  claim: boolean;
  threads: number | undefined;
  done: number;
  total: number;
  signal?: AbortSignal;
  onProgress?: (progress: KiProgress) => void;
}

async function runTasks(pending: readonly Task[], context: RunTasksContext): Promise<void> {
  const { signal, settings } = context;
  const workDir = await fs.mkdtemp(path.join(context.outDir, ".work-"));
  const retriever: KiRetriever | undefined = context.needsRetriever ? await openKiRetriever(context.retrieverDir, context.all) : undefined;
  let runtime: SealRuntime | undefined;
  let writer: KiSelfEditWriter | undefined;
  let env: KiRunEnvironment | undefined;
  let adaptersLoaded = 0;
  const started = performance.now();
  let done = context.done;
  try {
    for (const [index, task] of pending.entries()) {
      throwIfAborted(signal);
      if (context.claim && !(await context.cache.claim(task.key))) continue;
      if (!env || adaptersLoaded >= ADAPTERS_PER_MODEL_LOAD) {
        await writer?.dispose?.();
        writer = undefined;
        await env?.baseContext.dispose();
        await runtime?.dispose();
        runtime = await SealRuntime.load({ modelPath: context.modelPath, ...(context.threads ? { threads: context.threads } : {}) });
        const baseContext = await runtime.createContext({ contextSize: 1024 });
        // The student writer has a context of its own, created on its first write.
        writer = context.selfEdits?.createWriter(runtime);
        env = {
          runtime,
          baseContext,
          baseModelPath: context.modelPath,
          retrieve: async (question) => retriever?.retrieve(question),
          workDir,
          ...(writer && context.selfEdits ? { selfEdits: { writer, strategy: context.selfEdits.strategy, filter: context.selfEdits.filter } } : {}),
          ...(context.threads ? { threads: context.threads } : {}),
          ...(signal ? { signal } : {}),
        };
        adaptersLoaded = 0;
      }
      const name = conditionName(task.condition);
      const label = task.passages.length === 1 ? `${name} on ${task.passages[0]!.id} (line ${task.passages[0]!.line})` : `${name}, one adapter over ${task.passages.length} passages`;
      report(context, done, index, pending.length, started, label);
      const results = task.passages.length === 1 ? [await runPassageCondition(env, task.passages[0]!, task.condition, settings)] : await runCptCondition(env, task.passages, task.condition, settings);
      await context.cache.put(task.key, results);
      if (trainsAdapter(task.condition)) adaptersLoaded++;
      done++;
    }
    report(context, done, pending.length, pending.length, started, "done");
  } finally {
    await writer?.dispose?.();
    await env?.baseContext.dispose();
    await runtime?.dispose();
    await retriever?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

function report(context: RunTasksContext, done: number, ranHere: number, pendingHere: number, started: number, message: string): void {
  const elapsed = (performance.now() - started) / 1000;
  const etaSeconds = ranHere > 0 ? (elapsed / ranHere) * (pendingHere - ranHere) : undefined;
  context.onProgress?.({ done, total: context.total, etaSeconds, message });
}

/**
 * Splits the pending work across child processes (`seal bench ki --shard i/N`, same options).
 * They write to the shared cache; this process follows the cache to report progress and ETA.
 */
async function runWorkers(
  parsed: z.output<typeof kiBenchmarkOptionsSchema>,
  original: KiBenchmarkOptions,
  pending: readonly Task[],
  alreadyDone: number,
  total: number,
  cache: KiCache,
  control: { signal?: AbortSignal; onProgress?: (progress: KiProgress) => void },
): Promise<void> {
  const bin = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "cli", "bin.js");
  const threads = parsed.threads ?? Math.max(1, Math.floor(os.availableParallelism() / parsed.workers));
  const started = performance.now();
  const children = Array.from({ length: parsed.workers }, (_, index) => {
    const args = [bin, "bench", "ki", "--data", parsed.dataPath, "--out", parsed.outDir, "--shard", `${index}/${parsed.workers}`, "--threads", String(threads), "--json"];
    if (original.conditions) args.push("--conditions", original.conditions);
    if (parsed.limit) args.push("--limit", String(parsed.limit));
    if (parsed.cpt) args.push("--cpt");
    if (parsed.modelPath) args.push("--model", parsed.modelPath);
    args.push("--settings", JSON.stringify(parsed.settings));
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], ...(control.signal ? { signal: control.signal } : {}) });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.stdout.on("data", (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-4000)));
    return new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve() : reject(new SealError("TRAIN_FAILED", `Worker ${index} exited with code ${code}`, { hint: "Run the same command again to resume; finished passages are cached.", context: { stderr, stdout } })),
      );
    });
  });
  const timer = setInterval(() => {
    void (async () => {
      let finished = 0;
      for (const task of pending) if (await cache.has(task.key)) finished++;
      const elapsed = (performance.now() - started) / 1000;
      control.onProgress?.({ done: alreadyDone + finished, total, etaSeconds: finished > 0 ? (elapsed / finished) * (pending.length - finished) : undefined, message: `${parsed.workers} workers` });
    })();
  }, 5000);
  try {
    await Promise.all(children);
    await cache.clearClaims();
  } finally {
    clearInterval(timer);
  }
}
