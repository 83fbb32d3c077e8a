import fs from "node:fs";
import path from "node:path";
import type { ConsolidationResult } from "../../consolidate/consolidate.js";
import { consolidationSettingsSchema, type ConsolidationSettingsInput, type WriterSpec } from "../../consolidate/consolidation-settings.js";
import { SealError } from "../../errors.js";
import { tenantsWithActiveMemories } from "../../store/consolidation-views.js";
import type { RunStage } from "../../store/consolidation-runs.js";
import type { Namespace } from "../../store/tenants.js";
import type { CommandContext } from "../command.js";
import { gateLines, print, printJson, requireTenant, storeOptions } from "../consolidation-output.js";
import { parseNumberFlag } from "../number-flag.js";
import { withCliStore } from "../open-store.js";
import { createProgress, nativeBuildReporter, type ProgressOutput } from "../progress.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

// Settings path -> the flag that sets it, to name the flag in a validation error.
const FLAG_OF: Record<string, string> = {
  "training.learningRate": "--lr",
  "training.epochs": "--epochs",
  strategies: "--strategies",
  samples: "--samples",
  mode: "--mode",
  review: "--review",
  writer: "--writer",
  "writer.modelPath": "--writer",
  "writer.baseURL": "--writer",
  "writer.model": "--writer",
  "writer.apiKeyEnv": "--api-key-env",
};

const STAGES: readonly RunStage[] = ["select", "probe", "write", "train", "gate", "review"];

export const consolidateCommand = {
  name: "consolidate",
  summary: "Consolidate durable memories into a candidate adapter (select, probe, write, train, gate), per tenant; --dry-run selects and probes only",
  usage:
    "seal consolidate [--tenant T] [--dry-run] [--lr X] [--epochs N] [--strategies a,b] [--samples K] [--mode incremental|full] [--review manual|auto] [--writer student|gguf:<path>|openai:<model>@<baseURL>] [--api-key-env NAME] [--settings <file.json>|'{…}'] [--store <path>] [--json]",
  options: {
    tenant: { type: "string" },
    "dry-run": { type: "boolean" },
    lr: { type: "string" },
    epochs: { type: "string" },
    strategies: { type: "string" },
    samples: { type: "string" },
    mode: { type: "string" },
    review: { type: "string" },
    writer: { type: "string" },
    "api-key-env": { type: "string" },
    settings: { type: "string" },
    ...storeOptions,
  },
  async run({ values, positionals, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    if (positionals.length) throw new SealError("INVALID_OPTIONS", `Unexpected argument "${positionals[0]}"`, { hint: `Name a tenant with --tenant; usage: ${consolidateCommand.usage}` });
    const dryRun = values["dry-run"] === true;
    const tenant = parseTenantOption(values.tenant);
    const settings = settingsFromFlags(values);
    // Everything that can be refused is refused before the model loads.
    const seal = await import("../../index.js");
    const strategies = Object.keys(seal.builtInStrategies);
    const unknown = settings.strategies?.filter((name) => !strategies.includes(name)) ?? [];
    if (unknown.length) throw new SealError("INVALID_OPTIONS", `--strategies: unknown strategy ${unknown.map((name) => `"${name}"`).join(", ")}`, { hint: `Strategies: ${strategies.join(", ")}.`, context: { unknown } });
    return withCliStore(values.store, { writes: true, signal }, async (store) => {
      const progress = createProgress({ json });
      try {
        const tenants: Namespace[] = tenant ? (requireTenant(store, tenant), [tenant]) : tenantsWithActiveMemories(store.db).map((row) => row.namespace.split("/"));
        if (tenants.length === 0) {
          if (json) printJson({ store: store.path, dryRun, tenants: [] });
          else print(`No tenant in ${store.path} has active memories: nothing to consolidate.`);
          return 0;
        }
        const model = await seal.ensureModel({}, { signal, onProgress: (event) => progress.update(`model ${event.route}: ${event.stage} ${event.message}`, event.fraction) });
        const runtime = await seal.SealRuntime.load({ modelPath: model.path }, { signal, onLoadProgress: (fraction) => progress.update("loading the model", fraction) });
        const outcomes: Array<{ tenant: string; result?: ConsolidationResult; error?: Record<string, unknown> }> = [];
        for (const namespace of tenants) {
          const label = tenantLabel(namespace);
          try {
            const result = await seal.consolidate(store, runtime, namespace, { settings, dryRun, ...(signal ? { signal } : {}), onProgress: stageReporter(progress, label), onNativeBuild: nativeBuildReporter(progress) });
            progress.done();
            outcomes.push({ tenant: label, result });
            if (!json) printResult(label, result);
          } catch (error) {
            progress.done();
            // One tenant's failure (a busy lease, a writer that is down) does not stop the others;
            // an interrupt does, and a single named tenant reports its error as any command does.
            if (!SealError.isInstance(error) || error.code === "ABORTED" || tenant) throw error;
            outcomes.push({ tenant: label, error: { code: error.code, message: error.message, hint: error.hint, context: error.context } });
            if (!json) progress.line(`${label}: error ${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ""}`);
          }
        }
        const failed = outcomes.filter((outcome) => outcome.error).length;
        if (json) {
          process.stdout.write(`${JSON.stringify({ ok: failed === 0, store: store.path, dryRun, tenants: outcomes.map((outcome) => (outcome.result ? { tenant: outcome.tenant, ok: true, ...outcome.result } : { tenant: outcome.tenant, ok: false, error: outcome.error })) })}\n`);
        } else if (tenants.length > 1) print(`${tenants.length - failed} of ${tenants.length} tenants consolidated${failed ? `, ${failed} failed` : ""}.`);
        return failed === 0 ? 0 : 1;
      } finally {
        progress.done();
      }
    });
  },
} as const;

/** The run's settings from the flags given (the rest keep their defaults), checked with the core's schema. */
export function settingsFromFlags(values: CommandContext["values"]): ConsolidationSettingsInput {
  // Any setting (README "Consolidation") from --settings; the named flags override it.
  const settings: Record<string, unknown> = values.settings === undefined ? {} : readSettings(String(values.settings));
  const training: Record<string, unknown> = { ...(settings.training as Record<string, unknown> | undefined) };
  if (values.lr !== undefined) training.learningRate = parseNumberFlag(values.lr, "lr");
  if (values.epochs !== undefined) training.epochs = parseNumberFlag(values.epochs, "epochs");
  if (Object.keys(training).length) settings.training = training;
  if (values.samples !== undefined) settings.samples = parseNumberFlag(values.samples, "samples");
  if (values.strategies !== undefined) {
    const names = String(values.strategies).split(",").map((name) => name.trim()).filter(Boolean);
    settings.strategies = names;
  }
  if (values.mode !== undefined) settings.mode = values.mode;
  if (values.review !== undefined) settings.review = values.review;
  const writer = values.writer === undefined ? undefined : parseWriter(String(values.writer));
  if (values["api-key-env"] !== undefined) {
    if (writer?.kind !== "openai") throw new SealError("INVALID_OPTIONS", "--api-key-env applies to --writer openai:<model>@<baseURL> only", { hint: `usage: ${consolidateCommand.usage}` });
    writer.apiKeyEnv = String(values["api-key-env"]);
  }
  if (writer) settings.writer = writer;
  const checked = consolidationSettingsSchema.safeParse(settings);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => `${settingLabel(issue.path.join("."))}: ${issue.message}`);
    throw new SealError("INVALID_OPTIONS", issues.join("; "), { hint: "See `seal consolidate --help` for every flag and its values.", context: { issues } });
  }
  return settings as ConsolidationSettingsInput;
}

/** A setting's name for an error: the path, and the flag that sets it when there is one. */
function settingLabel(settingPath: string): string {
  if (!settingPath) return "--settings";
  const flag = FLAG_OF[settingPath] ?? FLAG_OF[settingPath.split(".")[0] as string];
  return flag ? `${flag} (${settingPath})` : settingPath;
}

/** --settings: a JSON file, or the JSON itself when it starts with "{". */
function readSettings(raw: string): Record<string, unknown> {
  const hint = "--settings takes a JSON file of consolidation settings, or the JSON itself, e.g. --settings '{\"training\":{\"epochs\":2}}' (README \"Consolidation\").";
  let text = raw;
  if (!raw.trimStart().startsWith("{")) {
    try {
      text = fs.readFileSync(raw, "utf8");
    } catch (error) {
      throw new SealError("INVALID_OPTIONS", `--settings: cannot read ${raw}: ${(error as Error).message}`, { hint, cause: error });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SealError("INVALID_OPTIONS", `--settings: not valid JSON: ${(error as Error).message}`, { hint, cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new SealError("INVALID_OPTIONS", "--settings: expected a JSON object", { hint });
  return parsed as Record<string, unknown>;
}

/** `student`, `gguf:<path>` or `openai:<model>@<baseURL>` (the key from `--api-key-env`, default OPENAI_API_KEY). */
function parseWriter(raw: string): WriterSpec {
  const hint = "--writer takes student, gguf:<model.gguf> or openai:<model>@<baseURL> (e.g. openai:gpt-4o-mini@https://api.openai.com/v1).";
  if (raw === "student") return { kind: "student" };
  if (raw.startsWith("gguf:")) {
    const modelPath = path.resolve(raw.slice("gguf:".length));
    if (raw.length === "gguf:".length) throw new SealError("INVALID_OPTIONS", "--writer gguf: needs a model path", { hint });
    if (!fs.existsSync(modelPath)) throw new SealError("MODEL_NOT_FOUND", `--writer ${raw}: no such file ${modelPath}`, { hint: "Give --writer gguf:<path> the path of a GGUF chat model.", context: { modelPath } });
    return { kind: "gguf", modelPath };
  }
  if (raw.startsWith("openai:")) {
    const rest = raw.slice("openai:".length);
    const at = rest.indexOf("@");
    const model = at === -1 ? "" : rest.slice(0, at);
    const baseURL = at === -1 ? "" : rest.slice(at + 1);
    if (!model || !baseURL) throw new SealError("INVALID_OPTIONS", `--writer ${raw}: expected openai:<model>@<baseURL>`, { hint });
    return { kind: "openai", model, baseURL, apiKeyEnv: "OPENAI_API_KEY" };
  }
  throw new SealError("INVALID_OPTIONS", `--writer "${raw}" is not a writer`, { hint });
}

function stageReporter(progress: ProgressOutput, label: string) {
  return (event: { stage: RunStage; done: number; total: number; message?: string }) => {
    const step = STAGES.indexOf(event.stage);
    const counts = event.total > 0 ? ` ${event.done}/${event.total}` : "";
    progress.update(`${label} [${step + 1}/${STAGES.length} ${event.stage}]${counts}${event.message ? ` ${event.message}` : ""}`, event.total > 0 ? Math.min(1, event.done / event.total) : undefined);
  };
}

function printResult(label: string, result: ConsolidationResult): void {
  const lines: string[] = [];
  const candidate = result.version !== undefined ? ` (candidate v${result.version})` : "";
  lines.push(`${label}: run ${result.runId} ${result.state}${candidate}${result.resumed ? ", resumed (with the settings it started with)" : ""}`);
  lines.push(`  selected ${result.selected} memories in ${result.units} units; ${result.probes} probes; self-edits ${result.selfEdits.kept} kept, ${result.selfEdits.dropped} dropped`);
  if (result.gate) lines.push(...gateLines(result.gate));
  const seconds = Object.entries(result.seconds) as Array<[RunStage, number]>;
  if (seconds.length) lines.push(`  seconds: ${seconds.map(([stage, value]) => `${stage} ${value.toFixed(1)}`).join(", ")} (total ${seconds.reduce((sum, [, value]) => sum + value, 0).toFixed(1)})`);
  if (result.state === "pending") lines.push(`  next: \`seal review show ${result.runId}\`, then \`seal review approve ${result.runId}\` or \`seal review reject ${result.runId} --reason "…"\``);
  if (result.state === "dry-run") lines.push(`  \`seal review show ${result.runId}\` lists the memories, reasons and probes`);
  for (const line of lines) print(line);
}

