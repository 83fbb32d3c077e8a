import fs from "node:fs";
import path from "node:path";
import type { LlamaContext } from "node-llama-cpp";
import { clearVersionFile, getVersion, manifestOf, setVersionState, type VersionRow } from "../../store/adapter-versions.js";
import { insertProbeResult, probeResultsOfRun, probesOfMemories, runMemories, selfEditsOfUnits, unitsOfRun, type ProbeRole, type ProbeRow } from "../../store/consolidation-content.js";
import { updateRun } from "../../store/consolidation-runs.js";
import { writeTransaction } from "../../store/write-transaction.js";
import { verifiedAdapterPath } from "../../memory/adapter-files.js";
import { measureDrift } from "../gate/drift.js";
import { scoreProbe, type ProbeScore } from "../gate/probe-scoring.js";
import { countToolCalls } from "../gate/tool-call-check.js";
import { crashPoint } from "../crash-points.js";
import type { RunContext } from "../run-context.js";
import { normalizeQuestion, trainedQuestions } from "../training-examples.js";

/** The gate's numbers, stored with the run and shown in review. */
export interface GateReport {
  passed: boolean;
  /** Why it failed (empty when it passed). */
  failures: string[];
  gain: { probes: number; candidateAccuracy: number; referenceAccuracy: number; gain: number; candidateLogProb: number; referenceLogProb: number };
  retention: { probes: number; candidateAccuracy: number; referenceAccuracy: number; share: number };
  drift: { value: number; prompts: number };
  toolCalls: { candidate: number; reference: number; total: number };
  /** Probes not scored because their question was training data. */
  trainedProbesSkipped: number;
  thresholds: { minGain: number; minRetention: number; maxDrift: number };
  /** What the candidate is compared with: a version number, or 0 for the base model. */
  reference: number;
}

/**
 * gate: the candidate against the version the run started from (or the base), with no memories
 * in the prompt. Gain on the new memories' probes, retention on the probes of memories already in
 * that version, drift on general prompts, and tool calls. Results, numbers and the verdict are
 * one transaction; a failed candidate is rejected (its file deleted) and nothing else changes.
 */
export async function gateStage(ctx: RunContext): Promise<GateReport> {
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
    const baseContext = referencePath ? await open(undefined) : referenceContext;
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
    const drift = await measureDrift(baseContext, candidateContext, ctx.signal);
    const toolCandidate = await countToolCalls(ctx.runtime, [{ filePath: candidatePath }]);
    const toolReference = await countToolCalls(ctx.runtime, referencePath ? [{ filePath: referencePath }] : []);
    const report = verdict(ctx, scored, drift, toolCandidate, toolReference, reference?.version ?? 0);

    crashPoint("gate:commit");
    writeTransaction(ctx.db, () => {
      for (const entry of scored) {
        for (const model of ["candidate", "reference"] as const) {
          const score = entry[model];
          insertProbeResult(ctx.db, { runId: ctx.runId, probeId: entry.probe.id, model, role: entry.role, trained: entry.trained, correct: score.correct, logProb: score.logProb, answer: score.answer });
        }
      }
      setVersionState(ctx.db, candidate.id, report.passed ? "pending" : "rejected", ctx.now());
      updateRun(ctx.db, ctx.runId, report.passed ? { stage: "review", gateJson: JSON.stringify(report) } : { stage: "done", state: "rejected", gateJson: JSON.stringify(report), finishedAt: ctx.now(), error: `gate: ${report.failures.join("; ")}` }, ctx.now());
    });
    // A rejected candidate is never served: its file goes (after the commit, so a crash leaves at
    // worst a file whose row says rejected, which the next sweep of this tenant keeps or clears).
    if (!report.passed && candidate.file) {
      fs.rmSync(path.join(ctx.adapterRoot, candidate.file), { force: true });
      writeTransaction(ctx.db, () => clearVersionFile(ctx.db, candidate.id));
    }
    return report;
  } finally {
    for (const context of contexts) await context.dispose();
  }
}

function verdict(
  ctx: RunContext,
  scored: Array<{ role: ProbeRole; trained: boolean; candidate: ProbeScore; reference: ProbeScore }>,
  drift: { drift: number; prompts: number },
  toolCandidate: { ok: number; total: number },
  toolReference: { ok: number; total: number },
  referenceVersion: number,
): GateReport {
  const thresholds = { minGain: ctx.settings.gate.minGain, minRetention: ctx.settings.gate.minRetention, maxDrift: ctx.settings.gate.maxDrift };
  const fresh = scored.filter((entry) => entry.role === "new" && !entry.trained);
  const kept = scored.filter((entry) => entry.role === "retained");
  const accuracy = (entries: typeof scored, model: "candidate" | "reference") => (entries.length ? entries.filter((entry) => entry[model].correct).length / entries.length : 0);
  const meanLogProb = (entries: typeof scored, model: "candidate" | "reference") => (entries.length ? entries.reduce((sum, entry) => sum + entry[model].logProb, 0) / entries.length : 0);
  const gain = {
    probes: fresh.length,
    candidateAccuracy: accuracy(fresh, "candidate"),
    referenceAccuracy: accuracy(fresh, "reference"),
    gain: accuracy(fresh, "candidate") - accuracy(fresh, "reference"),
    candidateLogProb: meanLogProb(fresh, "candidate"),
    referenceLogProb: meanLogProb(fresh, "reference"),
  };
  const referenceRetained = accuracy(kept, "reference");
  const retention = { probes: kept.length, candidateAccuracy: accuracy(kept, "candidate"), referenceAccuracy: referenceRetained, share: referenceRetained > 0 ? accuracy(kept, "candidate") / referenceRetained : 1 };
  const failures: string[] = [];
  // A full retrain may have nothing new (after a forget): then only retention and drift decide.
  if (fresh.length > 0 && gain.gain < thresholds.minGain) failures.push(`gain ${gain.gain.toFixed(2)} is below ${thresholds.minGain}`);
  if (retention.share < thresholds.minRetention) failures.push(`retention ${retention.share.toFixed(2)} is below ${thresholds.minRetention}`);
  if (drift.drift > thresholds.maxDrift) failures.push(`drift ${drift.drift.toFixed(3)} is above ${thresholds.maxDrift}`);
  if (toolCandidate.ok < toolReference.ok) failures.push(`tool calls ${toolCandidate.ok}/${toolCandidate.total}, the reference made ${toolReference.ok}`);
  return {
    passed: failures.length === 0,
    failures,
    gain,
    retention,
    drift: { value: drift.drift, prompts: drift.prompts },
    toolCalls: { candidate: toolCandidate.ok, reference: toolReference.ok, total: toolCandidate.total },
    trainedProbesSkipped: scored.filter((entry) => entry.trained).length,
    thresholds,
    reference: referenceVersion,
  };
}
