import { SealError } from "../errors.js";
import type { MemoryStore } from "../memory/memory-store.js";
import { getVersion, listVersions, type VersionState } from "../store/adapter-versions.js";
import { probeCountOfRun, runMemories, selfEditCounts, selfEditsOfUnits, unitsOfRun, type MemoryDecision, type ProbeRole } from "../store/consolidation-content.js";
import { getRun, listRuns, type RunMode, type RunStage, type RunState } from "../store/consolidation-runs.js";
import { manifestCounts, probeResultsOf, probesOfRun, tenantMemoryRows, tenantNamespaces, unitMemoryLinksOfRun } from "../store/consolidation-views.js";
import type { Durability, MemoryKind, MemoryStatus } from "../store/memory-row.js";
import { findTenantId, type Namespace } from "../store/tenants.js";
import type { GateReport } from "./gate/gate-verdict.js";

/** A store to read from: only its database is used. */
type StoreLike = Pick<MemoryStore, "db">;

/** A memory as a run's selection saw it, with the decision and why. */
export interface RunMemoryView {
  id: number;
  /** Null once the memory is forgotten. */
  text: string | null;
  subject: string | null;
  kind: MemoryKind;
  durability: Durability;
  confidence: number;
  recurrence: number;
  /** Its status now (it may have changed since the run). */
  status: MemoryStatus;
  decision: MemoryDecision;
  reason: string;
  unitId: number | null;
}

export interface SelfEditView {
  id: number;
  strategy: string;
  writer: string;
  sample: number;
  /** A line of training text, or the question of a qa pair; null once a memory of the unit is forgotten. */
  text: string | null;
  answer: string | null;
  kept: boolean;
  /** Why a filter dropped it (null when kept). */
  filterReason: string | null;
}

export interface RunUnitView {
  id: number;
  subject: string | null;
  /** The memories' text as trained; null once one of them is forgotten. */
  text: string | null;
  /** The write stage committed its self-edits. */
  written: boolean;
  memoryIds: number[];
  selfEdits: SelfEditView[];
}

/** One model's answer to a probe in the run's gate. */
export interface ProbeAnswerView {
  correct: boolean;
  /** Mean log-probability of the expected answer. */
  logProb: number;
  answer: string | null;
}

export interface RunProbeView {
  id: number;
  memoryId: number;
  /** Null once the memory is forgotten. */
  question: string | null;
  /** The expected answer (a span of the memory). */
  expected: string | null;
  source: "model" | "template";
  /** new: a memory this run selected; retained: one already in the reference version. Absent before the gate. */
  role?: ProbeRole;
  /** Its question was training data, so the gate did not score it. */
  trained: boolean;
  /** The reference (the version the run started from, or the base model). */
  before?: ProbeAnswerView;
  /** The candidate adapter. */
  after?: ProbeAnswerView;
  /** The base model, where the gate measured it separately. */
  base?: ProbeAnswerView;
}

/** Everything review shows about a run. */
export interface RunReport {
  runId: number;
  tenant: string[];
  state: RunState;
  stage: RunStage;
  mode: RunMode;
  /** Why it failed or was rejected. */
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
  /** The settings the run used. */
  settings: Record<string, unknown>;
  /** The version it started from (and the gate compared with); 0 is the base model. */
  fromVersion: number;
  candidate?: { version: number; state: VersionState; sha256: string; file: string | null; createdAt: Date };
  counts: { selected: number; skipped: number; flagged: number; units: number; probes: number; selfEdits: { kept: number; dropped: number } };
  /** Every memory the select stage looked at: selected, skipped and flagged, each with its reason. */
  memories: RunMemoryView[];
  units: RunUnitView[];
  probes: RunProbeView[];
  /** The gate's numbers and verdict (gain, retention, drift, tool calls, failures), once it ran. */
  gate?: GateReport;
}

/** A run waiting for a person's decision. */
export interface PendingRunView {
  runId: number;
  tenant: string[];
  candidateVersion: number;
  fromVersion: number;
  createdAt: Date;
  updatedAt: Date;
  selected: number;
  units: number;
  gate?: GateReport;
}

/** One adapter version of a tenant. */
export interface AdapterVersionView {
  version: number;
  state: VersionState;
  runId: number;
  /** Relative to the store's adapter folder; null once deleted. */
  file: string | null;
  sha256: string;
  baseModelSha256: string;
  parentVersion: number | null;
  createdAt: Date;
  activatedAt?: Date;
  /** Memories in its manifest, and how many of them were replayed from earlier versions. */
  memories: number;
  replayed: number;
}

/**
 * A run's report for review: its memories with every decision and reason (skipped and flagged
 * ones included), units with their self-edits (kept and filtered, with why), probes with the
 * reference's (before) and the candidate's (after) answers, and the gate's numbers.
 */
export function runReport(store: StoreLike, runId: number): RunReport {
  const db = store.db;
  const run = getRun(db, runId);
  if (!run) throw new SealError("RUN_NOT_FOUND", `No consolidation run ${runId}`, { hint: "`seal review` lists the pending runs; `seal audit` the decided ones.", context: { runId } });
  const namespace = tenantNamespaces(db).get(run.tenant_id) ?? "";
  const decisions = runMemories(db, runId);
  const units = unitsOfRun(db, runId);
  const links = unitMemoryLinksOfRun(db, runId);
  const memoryIds = [...new Set([...decisions.map((row) => row.memoryId), ...links.map((link) => link.memoryId)])];
  const rows = new Map(tenantMemoryRows(db, run.tenant_id, memoryIds).map((row) => [row.id, row]));
  const memories: RunMemoryView[] = decisions.flatMap((decision) => {
    const row = rows.get(decision.memoryId);
    if (!row) return [];
    return [{ id: row.id, text: row.text, subject: row.subject, kind: row.kind, durability: row.durability, confidence: row.confidence, recurrence: row.recurrence, status: row.status, decision: decision.decision, reason: decision.reason, unitId: decision.unitId }];
  });
  const edits = selfEditsOfUnits(db, units.map((unit) => unit.id));
  const unitViews: RunUnitView[] = units.map((unit) => ({
    id: unit.id,
    subject: unit.subject,
    text: unit.text,
    written: unit.written === 1,
    memoryIds: links.filter((link) => link.unitId === unit.id).map((link) => link.memoryId),
    selfEdits: edits
      .filter((edit) => edit.unit_id === unit.id)
      .map((edit) => ({ id: edit.id, strategy: edit.strategy, writer: edit.writer, sample: edit.sample, text: edit.text, answer: edit.answer, kept: edit.kept === 1, filterReason: edit.filter_reason })),
  }));
  const probes = probesOfRun(db, runId);
  const results = probeResultsOf(db, probes.map((probe) => probe.id), runId);
  const probeViews: RunProbeView[] = probes.map((probe) => {
    const mine = results.filter((result) => result.probeId === probe.id);
    const answer = (model: "reference" | "candidate" | "base"): ProbeAnswerView | undefined => {
      const result = mine.find((entry) => entry.model === model);
      return result ? { correct: result.correct, logProb: result.logProb, answer: result.answer } : undefined;
    };
    const before = answer("reference");
    const after = answer("candidate");
    const base = answer("base");
    return {
      id: probe.id,
      memoryId: probe.memoryId,
      question: probe.question,
      expected: probe.answer,
      source: probe.source,
      ...(mine[0] ? { role: mine[0].role } : {}),
      trained: mine.some((entry) => entry.trained),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      ...(base ? { base } : {}),
    };
  });
  const from = run.from_version_id === null ? undefined : getVersion(db, run.from_version_id);
  const candidate = run.candidate_version_id === null ? undefined : getVersion(db, run.candidate_version_id);
  return {
    runId: run.id,
    tenant: namespace.split("/"),
    state: run.state,
    stage: run.stage,
    mode: run.mode,
    error: run.error,
    createdAt: new Date(run.created_at),
    updatedAt: new Date(run.updated_at),
    ...(run.finished_at !== null ? { finishedAt: new Date(run.finished_at) } : {}),
    settings: parseJsonObject(run.settings_json),
    fromVersion: from?.version ?? 0,
    ...(candidate ? { candidate: { version: candidate.version, state: candidate.state, sha256: candidate.sha256, file: candidate.file, createdAt: new Date(candidate.created_at) } } : {}),
    counts: runCounts(db, runId),
    memories,
    units: unitViews,
    probes: probeViews,
    ...(run.gate_json ? { gate: JSON.parse(run.gate_json) as GateReport } : {}),
  };
}

/** A run's counts, as review shows them and as `consolidate()` returns them. */
export function runCounts(db: StoreLike["db"], runId: number): RunReport["counts"] {
  const decisions = runMemories(db, runId);
  const count = (decision: MemoryDecision) => decisions.filter((row) => row.decision === decision).length;
  return { selected: count("selected"), skipped: count("skipped"), flagged: count("flagged"), units: unitsOfRun(db, runId).length, probes: probeCountOfRun(db, runId), selfEdits: selfEditCounts(db, runId) };
}

/** Runs waiting for review, of one tenant or of all, oldest first. An unknown tenant has none. */
export function pendingRuns(store: StoreLike, namespace?: Namespace): PendingRunView[] {
  const db = store.db;
  let tenantId: number | undefined;
  if (namespace !== undefined) {
    tenantId = findTenantId(db, namespace);
    if (tenantId === undefined) return [];
  }
  const namespaces = tenantNamespaces(db);
  const runs = listRuns(db, { state: "pending", ...(tenantId !== undefined ? { tenantId } : {}) }).reverse();
  return runs.flatMap((run) => {
    const candidate = run.candidate_version_id === null ? undefined : getVersion(db, run.candidate_version_id);
    if (!candidate) return [];
    const from = run.from_version_id === null ? undefined : getVersion(db, run.from_version_id);
    const decisions = runMemories(db, run.id);
    return [
      {
        runId: run.id,
        tenant: (namespaces.get(run.tenant_id) ?? "").split("/"),
        candidateVersion: candidate.version,
        fromVersion: from?.version ?? 0,
        createdAt: new Date(run.created_at),
        updatedAt: new Date(run.updated_at),
        selected: decisions.filter((row) => row.decision === "selected").length,
        units: unitsOfRun(db, run.id).length,
        ...(run.gate_json ? { gate: JSON.parse(run.gate_json) as GateReport } : {}),
      },
    ];
  });
}

/** A tenant's adapter versions, newest first, with the size of each manifest. An unknown tenant has none. */
export function listAdapterVersions(store: StoreLike, namespace: Namespace): AdapterVersionView[] {
  const db = store.db;
  const tenantId = findTenantId(db, namespace);
  if (tenantId === undefined) return [];
  const versions = listVersions(db, tenantId);
  const numberOf = new Map(versions.map((version) => [version.id, version.version]));
  const counts = manifestCounts(db, tenantId);
  return versions.map((version) => ({
    version: version.version,
    state: version.state,
    runId: version.run_id,
    file: version.file,
    sha256: version.sha256,
    baseModelSha256: version.base_model_sha256,
    parentVersion: version.parent_version_id === null ? null : (numberOf.get(version.parent_version_id) ?? null),
    createdAt: new Date(version.created_at),
    ...(version.activated_at !== null ? { activatedAt: new Date(version.activated_at) } : {}),
    memories: counts.get(version.id)?.memories ?? 0,
    replayed: counts.get(version.id)?.replayed ?? 0,
  }));
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
