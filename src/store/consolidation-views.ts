import type Database from "better-sqlite3";
import type { VersionState } from "./adapter-versions.js";
import type { MemoryDecision, ProbeModel, ProbeRole } from "./consolidation-content.js";
import type { RunState } from "./consolidation-runs.js";
import { MEMORY_COLUMNS, type MemoryRow } from "./memory-row.js";

// Read-only queries for the review views (seal review, adapters, memories show, audit). Nothing
// here writes; the repositories next to this file own the writes.

/** SQLite's limit on bound parameters is far above this; chunks keep every IN list small. */
const CHUNK = 500;

function chunked<T>(ids: readonly number[], query: (chunk: readonly number[]) => T[]): T[] {
  const out: T[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) out.push(...query(ids.slice(start, start + CHUNK)));
  return out;
}

const marks = (ids: readonly unknown[]) => ids.map(() => "?").join(",");

/** Tenants with at least one active memory (what `seal consolidate` without --tenant visits), by namespace. */
export function tenantsWithActiveMemories(db: Database.Database): Array<{ id: number; namespace: string }> {
  return db.prepare("SELECT t.id, t.namespace FROM tenants t WHERE EXISTS (SELECT 1 FROM memories m WHERE m.tenant_id = t.id AND m.status = 'active') ORDER BY t.namespace").all() as Array<{ id: number; namespace: string }>;
}

/** Tenants with at least one adapter version, by namespace. */
export function tenantsWithVersions(db: Database.Database): Array<{ id: number; namespace: string }> {
  return db.prepare("SELECT t.id, t.namespace FROM tenants t WHERE EXISTS (SELECT 1 FROM adapter_versions v WHERE v.tenant_id = t.id) ORDER BY t.namespace").all() as Array<{ id: number; namespace: string }>;
}

/** Every tenant id with its namespace key. */
export function tenantNamespaces(db: Database.Database): Map<number, string> {
  return new Map((db.prepare("SELECT id, namespace FROM tenants").all() as Array<{ id: number; namespace: string }>).map((row) => [row.id, row.namespace]));
}

/** Memory rows of one tenant by id, any status (a deleted one has no text), in id order. */
export function tenantMemoryRows(db: Database.Database, tenantId: number, ids: readonly number[]): MemoryRow[] {
  const rows = chunked(ids, (chunk) => db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE tenant_id = ? AND id IN (${marks(chunk)})`).all(tenantId, ...chunk) as MemoryRow[]);
  return rows.sort((a, b) => a.id - b.id);
}

/** Which memories each unit of a run holds. */
export function unitMemoryLinksOfRun(db: Database.Database, runId: number): Array<{ unitId: number; memoryId: number }> {
  return (db.prepare("SELECT um.unit_id, um.memory_id FROM unit_memories um JOIN consolidation_units u ON u.id = um.unit_id WHERE u.run_id = ? ORDER BY um.unit_id, um.memory_id").all(runId) as Array<{ unit_id: number; memory_id: number }>).map((row) => ({
    unitId: row.unit_id,
    memoryId: row.memory_id,
  }));
}

export interface ProbeView {
  id: number;
  memoryId: number;
  /** Null once the memory is forgotten. */
  question: string | null;
  answer: string | null;
  source: "model" | "template";
  createdAt: number;
}

const PROBE_COLUMNS = "id, memory_id AS memoryId, question, answer, source, created_at AS createdAt";

/** Probes a run's gate scored, and the probes of the memories it selected (a run before its gate has no results yet). */
export function probesOfRun(db: Database.Database, runId: number): ProbeView[] {
  return db
    .prepare(
      `SELECT ${PROBE_COLUMNS} FROM probes WHERE id IN (SELECT probe_id FROM probe_results WHERE run_id = ?)
         OR (tenant_id = (SELECT tenant_id FROM consolidation_runs WHERE id = ?) AND memory_id IN (SELECT memory_id FROM run_memories WHERE run_id = ? AND decision = 'selected'))
       ORDER BY memory_id, id`,
    )
    .all(runId, runId, runId) as ProbeView[];
}

/** Every probe of one memory, forgotten ones included (their text is gone). */
export function probesOfMemory(db: Database.Database, tenantId: number, memoryId: number): ProbeView[] {
  return db.prepare(`SELECT ${PROBE_COLUMNS} FROM probes WHERE tenant_id = ? AND memory_id = ? ORDER BY id`).all(tenantId, memoryId) as ProbeView[];
}

export interface ProbeResultView {
  runId: number;
  probeId: number;
  model: ProbeModel;
  role: ProbeRole;
  trained: boolean;
  correct: boolean;
  logProb: number;
  answer: string | null;
}

/** How each model answered these probes, in every run (or one run). */
export function probeResultsOf(db: Database.Database, probeIds: readonly number[], runId?: number): ProbeResultView[] {
  const rows = chunked(
    probeIds,
    (chunk) =>
      db
        .prepare(`SELECT run_id, probe_id, model, role, trained, correct, log_prob, answer FROM probe_results WHERE probe_id IN (${marks(chunk)}) ${runId === undefined ? "" : "AND run_id = ?"}`)
        .all(...chunk, ...(runId === undefined ? [] : [runId])) as Array<{ run_id: number; probe_id: number; model: ProbeModel; role: ProbeRole; trained: number; correct: number; log_prob: number; answer: string | null }>,
  );
  return rows
    .map((row) => ({ runId: row.run_id, probeId: row.probe_id, model: row.model, role: row.role, trained: row.trained === 1, correct: row.correct === 1, logProb: row.log_prob, answer: row.answer }))
    .sort((a, b) => a.runId - b.runId || a.probeId - b.probeId || a.model.localeCompare(b.model));
}

/** Memories and replayed ones per version of a tenant. */
export function manifestCounts(db: Database.Database, tenantId: number): Map<number, { memories: number; replayed: number }> {
  const rows = db
    .prepare("SELECT m.version_id, COUNT(*) AS memories, SUM(m.replayed) AS replayed FROM adapter_manifest m JOIN adapter_versions v ON v.id = m.version_id WHERE v.tenant_id = ? GROUP BY m.version_id")
    .all(tenantId) as Array<{ version_id: number; memories: number; replayed: number | null }>;
  return new Map(rows.map((row) => [row.version_id, { memories: row.memories, replayed: row.replayed ?? 0 }]));
}

/** The versions whose manifest holds a memory, newest first. */
export function versionsHoldingMemory(db: Database.Database, tenantId: number, memoryId: number): Array<{ version: number; state: VersionState; runId: number; unitId: number; replayed: boolean }> {
  return (
    db
      .prepare("SELECT v.version, v.state, v.run_id, m.unit_id, m.replayed FROM adapter_manifest m JOIN adapter_versions v ON v.id = m.version_id WHERE v.tenant_id = ? AND m.memory_id = ? ORDER BY v.version DESC")
      .all(tenantId, memoryId) as Array<{ version: number; state: VersionState; run_id: number; unit_id: number; replayed: number }>
  ).map((row) => ({ version: row.version, state: row.state, runId: row.run_id, unitId: row.unit_id, replayed: row.replayed === 1 }));
}

/** What each run's selection decided about a memory, newest run first. */
export function runDecisionsOfMemory(db: Database.Database, tenantId: number, memoryId: number): Array<{ runId: number; runState: RunState; decision: MemoryDecision; reason: string; unitId: number | null }> {
  return (
    db
      .prepare("SELECT rm.run_id, r.state, rm.decision, rm.reason, rm.unit_id FROM run_memories rm JOIN consolidation_runs r ON r.id = rm.run_id WHERE r.tenant_id = ? AND rm.memory_id = ? ORDER BY rm.run_id DESC")
      .all(tenantId, memoryId) as Array<{ run_id: number; state: RunState; decision: MemoryDecision; reason: string; unit_id: number | null }>
  ).map((row) => ({ runId: row.run_id, runState: row.state, decision: row.decision, reason: row.reason, unitId: row.unit_id }));
}

export interface AuditView {
  id: number;
  action: string;
  actor: string | null;
  at: number;
  detail: Record<string, unknown>;
}

/** One memory's audit entries with who made them, oldest first. */
export function memoryAuditEntries(db: Database.Database, tenantId: number, memoryId: number): AuditView[] {
  const rows = db.prepare("SELECT id, action, actor, at, detail FROM audit_log WHERE tenant_id = ? AND memory_id = ? ORDER BY id").all(tenantId, memoryId) as Array<{ id: number; action: string; actor: string | null; at: number; detail: string | null }>;
  return rows.map((row) => ({ ...row, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {} }));
}

/** The memories this one replaced (their `superseded_by` is this one). */
export function supersededBy(db: Database.Database, tenantId: number, memoryId: number): number[] {
  return db.prepare("SELECT id FROM memories WHERE tenant_id = ? AND superseded_by = ? ORDER BY id").pluck().all(tenantId, memoryId) as number[];
}

/** Contradictions either side of which is this memory. */
export function contradictionsOfMemory(db: Database.Database, tenantId: number, memoryId: number): Array<{ memoryId: number; conflictsWith: number; recordedAt: number; resolvedAt: number | null }> {
  return db
    .prepare("SELECT memory_id AS memoryId, conflicts_with AS conflictsWith, recorded_at AS recordedAt, resolved_at AS resolvedAt FROM contradictions WHERE tenant_id = ? AND (memory_id = ? OR conflicts_with = ?) ORDER BY id")
    .all(tenantId, memoryId, memoryId) as Array<{ memoryId: number; conflictsWith: number; recordedAt: number; resolvedAt: number | null }>;
}

/** How many probes a tenant's memories have (that still hold their text), per memory. */
export function probeCountsOfTenant(db: Database.Database, tenantId: number): Map<number, number> {
  const rows = db.prepare("SELECT memory_id, COUNT(*) AS n FROM probes WHERE tenant_id = ? AND question IS NOT NULL GROUP BY memory_id").all(tenantId) as Array<{ memory_id: number; n: number }>;
  return new Map(rows.map((row) => [row.memory_id, row.n]));
}
