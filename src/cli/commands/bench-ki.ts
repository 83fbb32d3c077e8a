import { defaultConsolidationPlugins } from "../../consolidate/default-plugins.js";
import { filterSelfEdits } from "../../consolidate/self-edit-filters.js";
import { studentWriter } from "../../consolidate/writers/student-writer.js";
import { SealError } from "../../errors.js";
import { runKiBenchmark, type KiBenchmarkOptions } from "../../eval/ki-benchmark.js";
import type { KiSelfEditTools } from "../../eval/ki-self-edit.js";
import type { KiSettingsInput } from "../../eval/ki-settings.js";
import { parseNumberFlag } from "../number-flag.js";
import { createProgress } from "../progress.js";
import type { CommandContext } from "../command.js";

const SETTING_FLAGS = { rank: "rank", alpha: "alpha", lr: "learningRate", epochs: "epochs", samples: "samples" } as const;

export const benchKiCommand = {
  name: "bench ki",
  summary: "Knowledge-incorporation benchmark (SEAL's table): train per passage, ask without context",
  usage:
    "seal bench ki --data <file.jsonl> [--conditions base,passage,self,teacher:<writer>,rag] [--limit N] [--out <dir>] [--workers N] [--cpt] [--rank R] [--alpha A] [--lr X] [--epochs N] [--samples K] [--model <gguf>] [--threads N] [--json]",
  options: {
    data: { type: "string" },
    conditions: { type: "string" },
    limit: { type: "string" },
    out: { type: "string" },
    workers: { type: "string" },
    cpt: { type: "boolean" },
    rank: { type: "string" },
    alpha: { type: "string" },
    lr: { type: "string" },
    epochs: { type: "string" },
    samples: { type: "string" },
    model: { type: "string" },
    threads: { type: "string" },
    // Internal: how the parent hands work and settings to its worker processes.
    shard: { type: "string" },
    settings: { type: "string" },
    json: { type: "boolean" },
  },
  async run({ values, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    if (typeof values.data !== "string") throw new SealError("INVALID_OPTIONS", "seal bench ki needs --data <file.jsonl>", { hint: `usage: ${benchKiCommand.usage}` });
    const settings: Record<string, unknown> = typeof values.settings === "string" ? parseJson(values.settings) : {};
    for (const [flag, key] of Object.entries(SETTING_FLAGS)) if (values[flag] !== undefined) settings[key] = parseNumberFlag(values[flag], flag);
    // The package entry registers the built-in strategies; the `self` condition writes its
    // self-edits exactly as consolidation does: the student writer, the implications strategy, the filters.
    await import("../../index.js");
    const implications = defaultConsolidationPlugins().strategies.implications;
    if (!implications) throw new SealError("INVALID_OPTIONS", "The implications strategy is not registered", { hint: "The package entry registers the built-in strategies; this is a bug in seal bench ki." });
    const selfEdits: KiSelfEditTools = { createWriter: (runtime) => studentWriter(runtime), strategy: implications, filter: filterSelfEdits };
    const options: KiBenchmarkOptions = {
      dataPath: values.data,
      outDir: typeof values.out === "string" ? values.out : "ki-results",
      settings: settings as KiSettingsInput,
      cpt: values.cpt === true,
      selfEdits,
      ...(typeof values.conditions === "string" ? { conditions: values.conditions } : {}),
      ...(values.limit !== undefined ? { limit: parseNumberFlag(values.limit, "limit") } : {}),
      ...(values.workers !== undefined ? { workers: parseNumberFlag(values.workers, "workers") } : {}),
      ...(typeof values.model === "string" ? { modelPath: values.model } : {}),
      ...(values.threads !== undefined ? { threads: parseNumberFlag(values.threads, "threads") } : {}),
      ...(typeof values.shard === "string" ? { shard: parseShard(values.shard) } : {}),
    };
    const progress = createProgress({ json });
    const result = await runKiBenchmark(options, {
      signal,
      onProgress: (event) => progress.update(`[${event.done}/${event.total}] ${event.message}${event.etaSeconds === undefined ? "" : `, ETA ${formatDuration(event.etaSeconds)}`}`, event.total ? event.done / event.total : undefined),
    });
    progress.done();
    if (!result) return 0; // a worker: the parent reports
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, summaries: result.summaries, files: result.files, seconds: result.seconds, cached: result.cached })}\n`);
    else process.stdout.write(`${result.table}\n\n${result.files.table}\n${result.files.json}\n${result.files.chart}\n(${formatDuration(result.seconds)}; ${result.cached} results from the cache)\n`);
    return 0;
  },
} as const;

function parseShard(raw: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(raw);
  if (!match || Number(match[1]) >= Number(match[2])) throw new SealError("INVALID_OPTIONS", `--shard must be i/N with i < N, got "${raw}"`, { hint: "--shard is set by the parent process for its workers; run without it." });
  return { index: Number(match[1]), count: Number(match[2]) };
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new SealError("INVALID_OPTIONS", "--settings must be a JSON object", { hint: "--settings is set by the parent process for its workers; use --rank, --alpha, --lr, --epochs and --samples instead." });
  }
}

function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, "0")}m` : `${minutes}m${String(rest).padStart(2, "0")}s`;
}
