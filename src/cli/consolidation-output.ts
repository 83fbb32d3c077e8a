import os from "node:os";
import type { GateReport } from "../consolidate/gate/gate-verdict.js";
import { SealError } from "../errors.js";
import type { MemoryStore } from "../memory/memory-store.js";
import { findTenantId, type Namespace } from "../store/tenants.js";
import { tenantLabel } from "./tenant-option.js";

// Shared by the consolidation commands (consolidate, review, adapters, memories, ask, audit).

/** `--store` and `--json`, which every one of them takes. */
export const storeOptions = { store: { type: "string" }, json: { type: "boolean" } } as const;

/** One JSON object on stdout (the whole result of a --json command). */
export function printJson(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ok: true, ...value })}\n`);
}

export function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** The tenant's id; TENANT_NOT_FOUND (with where to look) when nothing was stored for it. */
export function requireTenant(store: MemoryStore, namespace: Namespace): number {
  const id = findTenantId(store.db, namespace);
  if (id === undefined) {
    throw new SealError("TENANT_NOT_FOUND", `No memories have been stored for tenant "${tenantLabel(namespace)}" in ${store.path}`, {
      hint: "Check --tenant (a namespace path like user/agent/session) and --store; `seal memories import <chat.jsonl> --tenant T` stores memories.",
      context: { tenant: tenantLabel(namespace), store: store.path },
    });
  }
  return id;
}

/** Who decides: `--actor`, else `$USER`, else "cli". */
export function actorOf(raw: string | boolean | undefined): string {
  if (typeof raw === "string") {
    if (!raw.trim()) throw new SealError("INVALID_OPTIONS", "--actor needs a name", { hint: "--actor names who decided (default: $USER)." });
    return raw;
  }
  return process.env.USER || safeUserName() || "cli";
}

function safeUserName(): string | undefined {
  try {
    return os.userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

/** A run id given as a positional: a positive integer. */
export function parseRunId(raw: string | undefined, usage: string): number {
  if (raw === undefined) throw new SealError("INVALID_OPTIONS", "A run id is needed", { hint: `usage: ${usage}; \`seal review\` lists the pending runs.` });
  const id = Number(raw.replace(/^#/, ""));
  if (!Number.isInteger(id) || id < 1) throw new SealError("INVALID_OPTIONS", `"${raw}" is not a run id (a positive integer)`, { hint: `usage: ${usage}; \`seal review\` lists the pending runs.`, context: { run: raw } });
  return id;
}

/** A memory id given as a positional: a positive integer. */
export function parseMemoryId(raw: string | undefined, usage: string): number {
  const hint = `usage: ${usage}; \`seal memories list --tenant T\` shows the ids.`;
  const id = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id < 1) {
    throw new SealError("INVALID_OPTIONS", raw === undefined ? "A memory id is needed" : `"${raw}" is not a memory id (a positive integer)`, { hint });
  }
  return id;
}

/** Refuses positionals a command does not take (`seal review 3` means `seal review show 3`). */
export function noPositionals(positionals: readonly string[], usage: string, suggestion?: string): void {
  if (positionals.length === 0) return;
  throw new SealError("INVALID_OPTIONS", `Unexpected argument "${positionals[0]}"`, { hint: suggestion ?? `usage: ${usage}` });
}

/** A time as people read it, in UTC: 2026-05-01 14:03:22Z. */
export function when(date: Date | number | undefined | null): string {
  if (date === undefined || date === null) return "-";
  return new Date(date).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

/** The gate's numbers as lines of text. */
export function gateLines(gate: GateReport, indent = "  "): string[] {
  const reference = gate.reference === 0 ? "base model" : `v${gate.reference}`;
  // A candidate whose training diverged never reached the measurements: only the reason.
  if (!gate.gain) return [`${indent}gate failed: ${gate.failures.join("; ")}`];
  return [
    `${indent}gate ${gate.passed ? "passed" : "failed"} (against ${reference})${gate.failures.length ? `: ${gate.failures.join("; ")}` : ""}`,
    `${indent}  gain       ${fixed(gate.gain.gain)} (accuracy ${percent(gate.gain.referenceAccuracy)} -> ${percent(gate.gain.candidateAccuracy)} on ${gate.gain.probes} probes, log-prob ${fixed(gate.gain.referenceLogProb)} -> ${fixed(gate.gain.candidateLogProb)}; min ${gate.thresholds.minGain})`,
    `${indent}  retention  ${fixed(gate.retention.share)} (accuracy ${percent(gate.retention.referenceAccuracy)} -> ${percent(gate.retention.candidateAccuracy)} on ${gate.retention.probes} probes; min ${gate.thresholds.minRetention})`,
    `${indent}  drift      ${fixed(gate.drift.value, 3)} nats/token on ${gate.drift.prompts} prompts (max ${gate.thresholds.maxDrift})`,
    `${indent}  tool calls ${gate.toolCalls.candidate}/${gate.toolCalls.total} (reference ${gate.toolCalls.reference}/${gate.toolCalls.total}; at most ${gate.thresholds.maxToolCallLoss ?? 0} fewer)${gate.trainedProbesSkipped ? `; ${gate.trainedProbesSkipped} probes not scored (training data)` : ""}`,
    ...(gate.toolCalls.misses ?? []).map((miss) => `${indent}    missed: ${JSON.stringify(miss.prompt)} -> ${miss.got}`),
    ...(gate.incrementalAttempt ? [`${indent}  retrained from the base after the incremental candidate: ${gateSummary(gate.incrementalAttempt)}`] : []),
  ];
}

/** The gate in one line, for lists. */
export function gateSummary(gate: GateReport | undefined): string {
  if (!gate) return "no gate yet";
  if (!gate.gain) return `failed (${gate.failures.join("; ")})`;
  return `gain ${fixed(gate.gain.gain)}, retention ${fixed(gate.retention.share)}, drift ${fixed(gate.drift.value, 3)}, tools ${gate.toolCalls.candidate}/${gate.toolCalls.total}: ${gate.passed ? "passed" : `failed (${gate.failures.join("; ")})`}`;
}

/** One line of possibly long text, cut to `max` characters. */
export function clip(text: string | null | undefined, max = 100): string {
  if (text === null || text === undefined) return "(forgotten)";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
