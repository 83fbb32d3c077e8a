import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LlamaContext } from "node-llama-cpp";
import { clearVersionFile, getVersion, manifestOf, setVersionState, type VersionRow } from "../../store/adapter-versions.js";
import { insertProbeResult, probeResultsOfRun, probesOfMemories, runMemories, selfEditsOfUnits, unitsOfRun, type ProbeRole, type ProbeRow } from "../../store/consolidation-content.js";
import { updateRun } from "../../store/consolidation-runs.js";
import { claimSetting, readSetting } from "../../store/store-settings.js";
import { forgottenFromWeights } from "../../store/consolidation-forget.js";
import { writeTransaction } from "../../store/write-transaction.js";
import { verifiedAdapterPath } from "../../memory/adapter-files.js";
import { baseDriftNll, driftAgainst, driftPromptsFingerprint } from "../gate/drift.js";
import { gateVerdict, type GateReport } from "../gate/gate-verdict.js";
import { scoreProbe, type ProbeScore } from "../gate/probe-scoring.js";
import { countToolCalls, TOOL_CHECK_PROMPTS } from "../gate/tool-call-check.js";
import { crashPoint } from "../../config/crash-points.js";
import type { RunContext } from "../run-context.js";
import { normalizeQuestion, trainedQuestions } from "../training-examples.js";

/**
 * gate: the candidate against the version the run started from (or the base), with no memories
 * in the prompt. Gain on the new memories' probes, retention on the probes of memories already in
 * that version, drift on general prompts, and tool calls. Results, numbers and the verdict are
 * one transaction; a failed candidate is rejected (its file deleted) and nothing else changes.
 */
export async function gateStage(ctx: RunContext): Promise<GateReport> {
  crashPoint("gate:start");
  const run = ctx.run();
  const candidate = getVersion(ctx.db, run.candidate_version_id as number) as VersionRow;
  const reference = run.from_version_id === null ? undefined : getVersion(ctx.db, run.from_version_id);
  const candidatePath = await verifiedAdapterPath(ctx.adapterRoot, candidate);
  const referencePath = reference ? await verifiedAdapterPath(ctx.adapterRoot, reference) : undefined;

  // New: selected memories the reference does not hold. A full retrain selects the baked ones
  // again; they are retention, not gain.
  const inReference = new Set(reference ? manifestOf(ctx.db, reference.id).map((entry) => entry.memoryId) : []);
  const newIds = runMemories(ctx.db, ctx.runId).filter((row) => row.decision === "selected" && !inReference.has(row.memoryId)).map((row) => row.memoryId);
  const retainedIds = [...inReference].filter((id) => ctx.store.get(ctx.namespace, id)?.status === "active");
  const trained = trainedQuestions(selfEditsOfUnits(ctx.db, unitsOfRun(ctx.db, ctx.runId).map((unit) => unit.id)));
  const probes: Array<{ probe: ProbeRow; role: ProbeRole; trained: boolean }> = [
    ...probesOfMemories(ctx.db, ctx.tenantId, newIds).map((probe) => ({ probe, role: "new" as const, trained: trained.has(normalizeQuestion(probe.question)) })),
    ...probesOfMemories(ctx.db, ctx.tenantId, retainedIds).map((probe) => ({ probe, role: "retained" as const, trained: false })),
  ];

  const contexts: LlamaContext[] = [];
  const open = async (adapter: string | undefined) => {
    const context = await ctx.runtime.createContext({ contextSize: 1024, ...(adapter ? { adapters: [{ filePath: adapter }] } : {}) });
    contexts.push(context);
    return context;
  };
  try {
    const candidateContext = await open(candidatePath);
    const referenceContext = await open(referencePath);
    const scored: Array<{ probe: ProbeRow; role: ProbeRole; trained: boolean; candidate: ProbeScore; reference: ProbeScore }> = [];
    const options = { maxTokens: ctx.settings.gate.answerMaxTokens, ...(ctx.signal ? { signal: ctx.signal } : {}) };
    // The reference version was itself a candidate once: its answers then are its answers now
    // (greedy, same file), so they are reused rather than generated again.
    const known = new Map(reference ? probeResultsOfRun(ctx.db, reference.run_id).filter((row) => row.model === "candidate").map((row) => [row.probe_id, { answer: row.answer ?? "", correct: row.correct === 1, logProb: row.log_prob }]) : []);
    for (const [index, entry] of probes.entries()) {
      ctx.heartbeat();
      ctx.progress({ stage: "gate", done: index, total: probes.length + 1, message: "probes" });
      if (index === 1) crashPoint("gate:middle");
      scored.push({ ...entry, candidate: await scoreProbe(candidateContext, entry.probe, options), reference: known.get(entry.probe.id) ?? (await scoreProbe(referenceContext, entry.probe, options)) });
    }
    ctx.progress({ stage: "gate", done: probes.length, total: probes.length + 1, message: "drift" });
    const drift = await driftAgainst(await baseDrift(ctx, () => (referencePath ? open(undefined) : Promise.resolve(referenceContext))), candidateContext, ctx.signal);
    const checkTools = ctx.settings.gate.toolCallCheck;
    const toolCandidate = checkTools ? await countToolCalls(ctx.runtime, [{ filePath: candidatePath }], ctx.signal) : { ok: 0, total: 0, misses: [] };
    // Against the base model, not the active version: measured against the version before, a
    // call lost per run would add up over a tenant's runs unseen (as drift is measured against the base).
    const toolReference = checkTools ? await baseToolCalls(ctx) : { ok: 0, total: 0 };
    const verdict = gateVerdict(scored, drift, toolCandidate, toolReference, reference?.version ?? 0, ctx.settings.gate, forgottenCheck(ctx, candidate.id));
    const earlier = run.mode === "full" && run.gate_json ? (JSON.parse(run.gate_json) as GateReport) : undefined;
    const report: GateReport = earlier ? { ...verdict, incrementalAttempt: earlier } : verdict;
    // Retention fell in an incremental candidate, and nothing else failed: retrain from the base on
    // every unit, once. (A candidate that also drifted or lost tool calls would at the same
    // settings most likely do so again from the base.)
    const retentionOnly = report.failures.length > 0 && report.failures.every((failure) => failure.startsWith("retention "));
    const retrain = run.mode === "incremental" && reference !== undefined && ctx.settings.gate.retrainOnRetentionLoss && retentionOnly;

    crashPoint("gate:commit");
    if (retrain) {
      writeTransaction(ctx.db, () => {
        setVersionState(ctx.db, candidate.id, "rejected", ctx.now());
        updateRun(ctx.db, ctx.runId, { mode: "full", stage: "train", candidateVersionId: null, gateJson: JSON.stringify(report) }, ctx.now());
      });
      discardFile(ctx, candidate);
      return report;
    }
    const decided = writeTransaction(ctx.db, () => {
      // A memory the candidate holds was forgotten while it was measured: the forget tainted it
      // (and deleted its file). Train again on what is left.
      if (getVersion(ctx.db, candidate.id)?.state === "tainted") {
        updateRun(ctx.db, ctx.runId, { stage: "train", candidateVersionId: null }, ctx.now());
        return false;
      }
      for (const entry of scored) {
        for (const model of ["candidate", "reference"] as const) {
          const score = entry[model];
          insertProbeResult(ctx.db, { runId: ctx.runId, probeId: entry.probe.id, model, role: entry.role, trained: entry.trained, correct: score.correct, logProb: score.logProb, answer: score.answer });
        }
      }
      setVersionState(ctx.db, candidate.id, report.passed ? "pending" : "rejected", ctx.now());
      updateRun(ctx.db, ctx.runId, report.passed ? { stage: "review", gateJson: JSON.stringify(report) } : { stage: "done", state: "rejected", gateJson: JSON.stringify(report), finishedAt: ctx.now(), error: `gate: ${report.failures.join("; ")}` }, ctx.now());
      return true;
    });
    if (!decided) return report;
    // A rejected candidate is never served: its file goes (after the commit, so a crash leaves at
    // worst a file whose row says rejected, which the next sweep of this tenant keeps or clears).
    if (!report.passed) discardFile(ctx, candidate);
    return report;
  } finally {
    for (const context of contexts) await context.dispose();
  }
}

/**
 * The base model's tool-call count, measured once per store, base file and CPU model (greedy text
 * can differ between CPU kinds) and kept in store_settings: it is the reference of every tenant's
 * first run, and the base never changes. Not tenant data, so it is shared.
 */
function baseToolCalls(ctx: RunContext): Promise<{ ok: number; total: number }> {
  return measuredOnceForBase(ctx, `gate.tool-calls.base`, String(TOOL_CHECK_PROMPTS.length), async () => {
    const measured = await countToolCalls(ctx.runtime, [], ctx.signal);
    return { ok: measured.ok, total: measured.total };
  });
}

/**
 * The base model's figures for the drift prompts, measured once per store, base file and CPU
 * model, like its tool calls: the base never changes, so scoring it again at every gate (half of
 * the drift's time) would measure the same numbers.
 */
function baseDrift(ctx: RunContext, baseContext: () => Promise<LlamaContext>): Promise<number[]> {
  const count = ctx.settings.gate.driftPrompts;
  return measuredOnceForBase(ctx, "gate.drift.base", driftPromptsFingerprint(count), async () => baseDriftNll(await baseContext(), count, ctx.signal));
}

/**
 * A figure of the base model, kept in store_settings under the base file's sha256, the CPU model
 * (greedy text can differ between CPU kinds) and `variant` (what was measured), so that it is
 * measured once per store: the first writer's figure is the one every gate uses.
 */
async function measuredOnceForBase<T>(ctx: RunContext, kind: string, variant: string, measure: () => Promise<T>): Promise<T> {
  const name = `${kind}:${await ctx.runtime.modelSha256()}:${os.cpus()[0]?.model ?? "unknown"}:${variant}`;
  const known = readSetting(ctx.db, name);
  if (known) return JSON.parse(known) as T;
  return JSON.parse(claimSetting(ctx.db, name, JSON.stringify(await measure()))) as T;
}

/** After a forget (tainted versions exist): the memories forgotten from the weights, and how many the candidate holds. */
function forgottenCheck(ctx: RunContext, candidateId: number): { memories: number; inCandidate: number } | undefined {
  const forgotten = forgottenFromWeights(ctx.db, ctx.tenantId);
  if (forgotten.size === 0) return undefined;
  return { memories: forgotten.size, inCandidate: manifestOf(ctx.db, candidateId).filter((entry) => forgotten.has(entry.memoryId)).length };
}

/** Deletes a rejected candidate's file, then clears its row's file name (after the verdict's commit). */
function discardFile(ctx: RunContext, candidate: VersionRow): void {
  if (!candidate.file) return;
  fs.rmSync(path.join(ctx.adapterRoot, candidate.file), { force: true });
  writeTransaction(ctx.db, () => clearVersionFile(ctx.db, candidate.id));
}
