import type { ConsolidationSettings } from "../consolidation-settings.js";
import type { ProbeRole } from "../../store/consolidation-content.js";
import type { ProbeScore } from "./probe-scoring.js";

type GateSettings = ConsolidationSettings["gate"];

/** The gate's numbers, stored with the run and shown in review. */
export interface GateReport {
  passed: boolean;
  /** Why it failed (empty when it passed). */
  failures: string[];
  gain: { probes: number; candidateAccuracy: number; referenceAccuracy: number; gain: number; candidateLogProb: number; referenceLogProb: number };
  retention: { probes: number; candidateAccuracy: number; referenceAccuracy: number; share: number };
  drift: { value: number; prompts: number };
  /** Of the check's prompts, right calls by the candidate and by the base model (`reference` here); the candidate's misses with what it called. */
  toolCalls: { candidate: number; reference: number; total: number; misses?: Array<{ prompt: string; got: string }> };
  /** Probes not scored because their question was training data. */
  trainedProbesSkipped: number;
  thresholds: { minGain: number; minRetention: number; maxDrift: number; maxToolCallLoss: number };
  /** When retention fell in an incremental candidate and the run retrained from the base: that first attempt's report. */
  incrementalAttempt?: GateReport;
  /** What the candidate is compared with: a version number, or 0 for the base model. */
  reference: number;
  /**
   * After a forget: the memories forgotten from the tenant's adapters, and how many of them the
   * candidate was trained on (its manifest; must be 0). Their probes were erased with their text,
   * so they cannot be asked again.
   */
  forgotten?: { memories: number; inCandidate: number };
}

/**
 * The gate's verdict from its measurements: gain on the new memories' probes that were not
 * training data, retention on the probes of memories already baked, drift, and tool calls, each
 * against its threshold. Every failure is named, so review can show why.
 */
export function gateVerdict(
  scored: ReadonlyArray<{ role: ProbeRole; trained: boolean; candidate: ProbeScore; reference: ProbeScore }>,
  drift: { drift: number; prompts: number },
  toolCandidate: { ok: number; total: number; misses?: Array<{ prompt: string; got: string }> },
  toolReference: { ok: number; total: number },
  referenceVersion: number,
  settings: GateSettings,
  forgotten?: { memories: number; inCandidate: number },
): GateReport {
  const thresholds = { minGain: settings.minGain, minRetention: settings.minRetention, maxDrift: settings.maxDrift, maxToolCallLoss: settings.maxToolCallLoss };
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
  if (forgotten && forgotten.inCandidate > 0) failures.push(`${forgotten.inCandidate} forgotten memories are in the candidate's training data`);
  if (toolReference.ok - toolCandidate.ok > thresholds.maxToolCallLoss) failures.push(`tool calls ${toolCandidate.ok}/${toolCandidate.total}, the base model made ${toolReference.ok} (at most ${thresholds.maxToolCallLoss} fewer)`);
  return {
    passed: failures.length === 0,
    failures,
    gain,
    retention,
    drift: { value: drift.drift, prompts: drift.prompts },
    toolCalls: { candidate: toolCandidate.ok, reference: toolReference.ok, total: toolCandidate.total, ...(toolCandidate.misses?.length ? { misses: toolCandidate.misses } : {}) },
    trainedProbesSkipped: scored.filter((entry) => entry.trained).length,
    thresholds,
    reference: referenceVersion,
    ...(forgotten ? { forgotten } : {}),
  };
}
