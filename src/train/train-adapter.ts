import fs from "node:fs/promises";
import path from "node:path";
import { parseOptions } from "../config/parse-options.js";
import { SealError, type SealErrorCode } from "../errors.js";
import { fileSha256, memoizedFileSha256 } from "../model/file-sha256.js";
import { inspectGguf, type GgufSummary } from "../model/gguf-inspect.js";
import { ensureModel } from "../model/pull/ensure-model.js";
import { defaultThreadCount } from "../model/threads.js";
import { runCommand } from "../system/run-command.js";
import { ensureNativeBinary, type EnsureNativeOptions } from "./ensure-native.js";
import { inspectGivenModel } from "./model-file.js";
import { assertTrainableArchitecture } from "./trainable-architectures.js";
import { checkOutputPath } from "./output-path.js";
import { lowerPriority } from "./process-priority.js";
import { assertUtf8Lines } from "./train-data-utf8.js";
import { trainAdapterOptionsSchema, type TrainAdapterOptions, type TrainProgress, type TrainResult, type TrainWarning } from "./train-options.js";

/** `signal`, and `onNativeBuild` for the build on first use (skipped when built, off with `SEAL_NO_AUTO_BUILD=1`). */
export interface TrainControl extends EnsureNativeOptions {
  onProgress?: (progress: TrainProgress) => void;
  onWarning?: (warning: TrainWarning) => void;
  /** The trainer process's pid, as soon as it has started (to watch or measure it). */
  onSpawn?: (pid: number) => void;
}

// The trainer's error codes (native/tools/train.cpp) and ours.
const NATIVE_ERROR_CODES: Record<string, SealErrorCode> = {
  DATA_UNREADABLE: "TRAIN_DATA_INVALID",
  DATA_INVALID: "TRAIN_DATA_INVALID",
  DATA_EMPTY: "TRAIN_DATA_INVALID",
  SEQUENCE_TOO_LONG: "TRAIN_DATA_INVALID",
  LOSS_NOT_FINITE: "TRAIN_DIVERGED",
  ADAPTER_MISMATCH: "ADAPTER_INVALID",
  MODEL_INVALID: "MODEL_CORRUPT",
  OUTPUT_UNWRITABLE: "OUTPUT_UNWRITABLE",
  INTERRUPTED: "ABORTED",
};

/**
 * Trains a LoRA adapter with the native trainer (`seal-train`) and returns where it is. The
 * adapter records the base model's and the data's sha256, the hyperparameters and the time. On
 * any failure or abort no adapter file is left behind.
 */
export async function trainAdapter(options: TrainAdapterOptions, control: TrainControl = {}): Promise<TrainResult> {
  const parsed = parseOptions(trainAdapterOptionsSchema, options, "trainAdapter");
  const outPath = path.resolve(parsed.outPath);
  const dataPath = path.resolve(parsed.dataPath);

  // Everything that can be wrong with the user's files fails here, before a model download, a
  // native build or minutes of training.
  await checkOutputPath(outPath, { overwrite: parsed.overwrite });
  await assertUtf8Lines(dataPath);
  let basePath: string;
  let base: GgufSummary;
  if (parsed.baseModelPath) {
    basePath = path.resolve(parsed.baseModelPath);
    base = await inspectGivenModel(basePath, "--base (baseModelPath)");
  } else {
    basePath = path.resolve((await ensureModel({}, control.signal ? { signal: control.signal } : {})).path);
    base = await inspectGguf(basePath, "model");
  }
  assertTrainableArchitecture(base.architecture, basePath);
  if (parsed.initFrom) await inspectGguf(parsed.initFrom, "adapter");
  const trainer = await ensureNativeBinary("seal-train", control);

  const metadata: Record<string, string> = {
    "seal.base_sha256": await memoizedFileSha256(basePath),
    "seal.data_sha256": await fileSha256(dataPath),
    "seal.created": new Date().toISOString(),
    "seal.train.alpha": String(parsed.alpha),
  };
  const args = [
    "--base", basePath,
    "--data", dataPath,
    "--out", outPath,
    ...(parsed.initFrom ? ["--init-from", path.resolve(parsed.initFrom)] : []),
    "--rank", String(parsed.rank),
    "--alpha", String(parsed.alpha),
    "--targets", parsed.targets.join(","),
    "--lr", String(parsed.learningRate),
    "--lr-min", String(parsed.minLearningRate),
    "--wd", String(parsed.weightDecay),
    "--warmup", String(parsed.warmupSteps),
    "--schedule", parsed.schedule,
    "--epochs", String(parsed.epochs),
    "--batch", String(parsed.batchSize),
    "--seq-len", String(parsed.sequenceLength),
    "--on-overlong", parsed.onOverlong,
    "--seed", String(parsed.seed),
    "--threads", String(parsed.threads ?? defaultThreadCount()),
    "--weight-copy", parsed.weightCopy,
    // Only when asked: a trainer built before packing (patch 0008) refuses the flag.
    ...(parsed.packTokens > 0 ? ["--pack-tokens", String(parsed.packTokens)] : []),
    ...(parsed.packedAttention !== "auto" ? ["--packed-attention", parsed.packedAttention] : []),
    ...(parsed.shortKKernel !== "on" ? ["--short-k-kernel", parsed.shortKKernel] : []),
    ...(parsed.bf16Kernel !== "panels" ? ["--bf16-kernel", parsed.bf16Kernel] : []),
    ...Object.entries(metadata).flatMap(([key, value]) => ["--meta", `${key}=${value}`]),
  ];

  const warnings: TrainWarning[] = [];
  let done: Record<string, unknown> | undefined;
  let failure: { code: string; message: string } | undefined;
  let trainableParameters = 0;
  const stderrTail: string[] = [];
  let result;
  try {
    result = await runCommand(trainer, args, {
      ...(control.signal ? { signal: control.signal } : {}),
      onSpawn: (pid) => {
        if (parsed.priority === "low") lowerPriority(pid);
        control.onSpawn?.(pid);
      },
      onLine: (line, stream) => {
        if (stream === "stderr") {
          stderrTail.push(line);
          if (stderrTail.length > 30) stderrTail.shift();
          return;
        }
        const event = parseEvent(line);
        if (!event) return;
        if (event.type === "step") control.onProgress?.(toProgress(event));
        else if (event.type === "start") trainableParameters = Number(event.trainable_parameters ?? 0);
        else if (event.type === "warning") {
          const warning: TrainWarning = {
            code: String(event.code),
            ...(typeof event.line === "number" ? { line: event.line } : {}),
            message: `line ${String(event.line)}: ${String(event.tokens)} tokens, kept the first ${String(event.kept)}`,
          };
          warnings.push(warning);
          control.onWarning?.(warning);
        } else if (event.type === "done") done = event;
        else if (event.type === "error") failure = { code: String(event.code), message: String(event.message) };
      },
    });
  } finally {
    // The trainer removes its temporary files itself; this covers a hard kill as well.
    await Promise.all([`${outPath}.tmp`, `${outPath}.init.tmp`].map((file) => fs.rm(file, { force: true })));
  }

  if (result.exitCode !== 0 || !done) {
    const code = failure ? (NATIVE_ERROR_CODES[failure.code] ?? "TRAIN_FAILED") : "TRAIN_FAILED";
    const line = failure ? /^line (\d+)/.exec(failure.message)?.[1] : undefined;
    throw new SealError(code, failure?.message ?? `seal-train exited with code ${result.exitCode}`, {
      hint: hintFor(code),
      context: { nativeCode: failure?.code, exitCode: result.exitCode, ...(line ? { line: Number(line) } : {}), stderr: stderrTail.slice(-10).join("\n") },
    });
  }
  return {
    path: outPath,
    steps: Number(done.steps),
    firstLoss: Number(done.first_loss),
    finalLoss: Number(done.final_loss),
    seconds: Number(done.seconds),
    tokensPerSecond: Number(done.tokens_per_s),
    peakRssBytes: Number(done.peak_rss_bytes ?? 0),
    threads: Number(done.threads ?? 0),
    cpuSeconds: Number(done.cpu_seconds ?? 0),
    weightCopies: weightCopiesOf(done.weight_copies),
    shortKProducts: Number(done.short_k_products ?? 0),
    packedBf16Products: Number(done.packed_bf16_products ?? 0),
    trainableParameters,
    warnings,
    metadata,
  };
}

function weightCopiesOf(value: unknown): TrainResult["weightCopies"] {
  const copies = (value ?? {}) as Record<string, unknown>;
  return { forward: Number(copies.forward ?? 0), backward: Number(copies.backward ?? 0), bytes: Number(copies.bytes ?? 0) };
}

function parseEvent(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function toProgress(event: Record<string, unknown>): TrainProgress {
  return {
    step: Number(event.step),
    steps: Number(event.steps),
    epoch: Number(event.epoch),
    loss: Number(event.loss),
    learningRate: Number(event.lr),
    tokensPerSecond: Number(event.tokens_per_s),
    etaSeconds: Number(event.eta_s),
  };
}

function hintFor(code: SealErrorCode): string {
  switch (code) {
    case "TRAIN_DATA_INVALID":
      return 'Each line must be {"text": "..."} or {"prompt": "...", "completion": "..."}; see context.line.';
    case "TRAIN_DIVERGED":
      return "Lower the learning rate (e.g. --lr 1e-4) or add warm-up steps.";
    case "ADAPTER_INVALID":
      return "Continue only from an adapter trained on this exact base model.";
    case "OUTPUT_UNWRITABLE":
      return "Choose an output folder that exists and is writable.";
    case "MODEL_CORRUPT":
      return "The base must be a GGUF model llama.cpp can load; see context.stderr for why it could not.";
    case "ABORTED":
      return "The trainer was stopped by a signal; no adapter was written.";
    default:
      return "See context.stderr for the trainer's log.";
  }
}
