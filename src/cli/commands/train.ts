import { SealError } from "../../errors.js";
import { trainAdapter } from "../../train/train-adapter.js";
import { trainAdapterOptionsSchema, type TrainAdapterOptions } from "../../train/train-options.js";
import { parseNumberFlag } from "../number-flag.js";
import { createProgress, nativeBuildReporter } from "../progress.js";
import type { CommandContext } from "../command.js";

// Flag -> trainAdapter option. Every flag is also listed in `options` below for parseArgs.
const STRING_FLAGS = { base: "baseModelPath", "init-from": "initFrom", schedule: "schedule", "weight-copy": "weightCopy", "packed-attention": "packedAttention", priority: "priority" } as const;
const NUMBER_FLAGS = {
  epochs: "epochs",
  rank: "rank",
  alpha: "alpha",
  lr: "learningRate",
  batch: "batchSize",
  "pack-tokens": "packTokens",
  "seq-len": "sequenceLength",
  warmup: "warmupSteps",
  seed: "seed",
} as const;
// trainAdapter option -> how the user wrote it, to name the flag in a validation error.
const FLAG_OF: Record<string, string> = {
  dataPath: "<data.jsonl>",
  outPath: "--out",
  overwrite: "--force",
  ...Object.fromEntries(Object.entries({ ...STRING_FLAGS, ...NUMBER_FLAGS }).map(([flag, option]) => [option, `--${flag}`])),
};

export const trainCommand = {
  name: "train",
  summary: "Train a LoRA adapter on JSON Lines data with the native trainer",
  usage:
    "seal train <data.jsonl> --out <adapter.gguf> [--base <model.gguf>] [--init-from <adapter.gguf>] [--epochs N] [--rank R] [--alpha A] [--lr X] [--batch N] [--pack-tokens N] [--packed-attention auto|masked] [--seq-len N] [--schedule constant|cosine] [--warmup N] [--seed N] [--weight-copy auto|on|off|backward] [--priority low|normal] [--force] [--json]",
  options: {
    out: { type: "string" },
    base: { type: "string" },
    "init-from": { type: "string" },
    epochs: { type: "string" },
    rank: { type: "string" },
    alpha: { type: "string" },
    lr: { type: "string" },
    batch: { type: "string" },
    "pack-tokens": { type: "string" },
    "packed-attention": { type: "string" },
    "seq-len": { type: "string" },
    schedule: { type: "string" },
    warmup: { type: "string" },
    seed: { type: "string" },
    "weight-copy": { type: "string" },
    priority: { type: "string" },
    force: { type: "boolean" },
    json: { type: "boolean" },
  },
  async run({ values, positionals, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    const dataPath = positionals[0];
    if (!dataPath || typeof values.out !== "string") {
      throw new SealError("INVALID_OPTIONS", "seal train needs a data file and --out", { hint: `usage: ${trainCommand.usage}` });
    }
    const options: Record<string, unknown> = { dataPath, outPath: values.out, overwrite: values.force === true };
    for (const [flag, option] of Object.entries(STRING_FLAGS)) if (typeof values[flag] === "string") options[option] = values[flag];
    for (const [flag, option] of Object.entries(NUMBER_FLAGS)) {
      const raw = values[flag];
      if (raw === undefined) continue;
      options[option] = parseNumberFlag(raw, flag);
    }
    validateFlags(options);
    const progress = createProgress({ json });
    const result = await trainAdapter(options as TrainAdapterOptions, {
      signal,
      onNativeBuild: nativeBuildReporter(progress, json),
      onProgress: (step) => {
        if (json) process.stdout.write(`${JSON.stringify({ type: "step", ...step })}\n`);
        else progress.update(`step ${step.step}/${step.steps} epoch ${step.epoch} loss ${step.loss.toFixed(4)} ${step.tokensPerSecond.toFixed(0)} tok/s eta ${step.etaSeconds.toFixed(0)} s`, step.step / step.steps);
      },
      onWarning: (warning) => {
        if (json) process.stdout.write(`${JSON.stringify({ type: "warning", ...warning })}\n`);
        else progress.line(`warning ${warning.code}: ${warning.message}`);
      },
    });
    progress.done();
    if (json) process.stdout.write(`${JSON.stringify({ type: "result", ok: true, ...result })}\n`);
    else {
      process.stdout.write(`${result.path}\n`);
      process.stdout.write(`${result.steps} steps, loss ${result.firstLoss.toFixed(4)} -> ${result.finalLoss.toFixed(4)}, ${result.seconds.toFixed(1)} s, ${result.tokensPerSecond.toFixed(0)} tok/s\n`);
    }
    return 0;
  },
} as const;

/**
 * Validates the options with trainAdapter's own schema, but names the flags the user typed
 * ("--lr: Number must be greater than 0") rather than the API's option names ("learningRate").
 */
function validateFlags(options: Record<string, unknown>): void {
  const checked = trainAdapterOptionsSchema.safeParse(options);
  if (checked.success) return;
  const issues = checked.error.issues.map((issue) => `${FLAG_OF[String(issue.path[0])] ?? issue.path.join(".")}: ${issue.message}`);
  throw new SealError("INVALID_OPTIONS", issues.join("; "), { hint: "See `seal train --help` for every flag and its values.", context: { issues } });
}
