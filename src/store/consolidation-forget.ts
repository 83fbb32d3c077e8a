import type Database from "better-sqlite3";
import { appendAudit } from "./audit-log.js";
import { activeVersion, listVersions, newestServableBefore, setVersionState, type VersionRow } from "./adapter-versions.js";

export interface WeightsForgetResult {
  /** Version numbers tainted by this memory (trained on it, or continued from a version that was). */
  tainted: number[];
  /** The served version before and after (0: the base model), when the active one was tainted. */
  fallback?: { from: number; to: number };
}

/**
 * Takes a forgotten memory out of the consolidation tables, inside the caller's transaction (the
 * one that erases the memory): every version whose manifest holds it, and every version continued
 * from one of those (its weights started from them), is tainted; an active one falls back to the
 * newest untainted version that was served before, or to the base; a pending candidate holding it
 * is rejected. The text it left in units, self-edits, probes, probe answers and the tool-call
 * misses of gate reports is erased. A full retrain without it is queued for the tenant.
 */
export function forgetInConsolidation(db: Database.Database, tenantId: number, memoryId: number, now: number): WeightsForgetResult {
  const versions = listVersions(db, tenantId);
  const holding = new Set(db.prepare("SELECT m.version_id FROM adapter_manifest m JOIN adapter_versions v ON v.id = m.version_id WHERE m.memory_id = ? AND v.tenant_id = ?").pluck().all(memoryId, tenantId) as number[]);
  // Children after parents: a version is tainted when it holds the memory or its parent is tainted.
  const taintedIds = new Set<number>();
  for (const version of [...versions].sort((a, b) => a.version - b.version)) {
    if (holding.has(version.id) || (version.parent_version_id !== null && taintedIds.has(version.parent_version_id))) taintedIds.add(version.id);
  }
  const tainted = versions.filter((version) => taintedIds.has(version.id) && version.state !== "tainted");
  const active = activeVersion(db, tenantId);
  let fallback: WeightsForgetResult["fallback"];
  for (const version of tainted) {
    if (version.state === "pending") rejectPendingRun(db, version, now);
    setVersionState(db, version.id, "tainted", now);
  }
  if (active && taintedIds.has(active.id)) {
    const to = newestServableBefore(db, tenantId, active.version); // the tainted ones are marked so above
    if (to) setVersionState(db, to.id, "active", now);
    fallback = { from: active.version, to: to?.version ?? 0 };
  }
  erasedTextOf(db, tenantId, memoryId);
  if (tainted.length > 0) queueRetrain(db, tenantId, now);
  if (tainted.length > 0 || fallback) {
    appendAudit(db, { tenantId, memoryId, action: "forget-weights", detail: { tainted: tainted.map((version) => version.version), ...(fallback ? { fallback } : {}) }, at: now, actor: "forget" });
  }
  return { tainted: tainted.map((version) => version.version), ...(fallback ? { fallback } : {}) };
}

function rejectPendingRun(db: Database.Database, version: VersionRow, now: number): void {
  db.prepare("UPDATE consolidation_runs SET state = 'rejected', stage = 'done', error = ?, finished_at = ?, updated_at = ? WHERE candidate_version_id = ? AND state = 'pending'").run(
    "rejected: a memory it was trained on was forgotten (a full retrain without it is queued)",
    now,
    now,
    version.id,
  );
}

/** Every copy of the memory's text the consolidation tables hold. */
function erasedTextOf(db: Database.Database, tenantId: number, memoryId: number): void {
  const unitIds = db.prepare("SELECT um.unit_id FROM unit_memories um JOIN consolidation_units u ON u.id = um.unit_id WHERE um.memory_id = ? AND u.tenant_id = ?").pluck().all(memoryId, tenantId) as number[];
  const runIds = new Set<number>();
  for (const unitId of unitIds) {
    runIds.add(db.prepare("SELECT run_id FROM consolidation_units WHERE id = ?").pluck().get(unitId) as number);
    db.prepare("UPDATE consolidation_units SET text = NULL, subject = NULL WHERE id = ?").run(unitId);
    // Self-edits are written from the whole unit: any of them may repeat the memory.
    db.prepare("DELETE FROM self_edits WHERE unit_id = ?").run(unitId);
  }
  // A selection plugin's reason may quote the memory.
  db.prepare("UPDATE run_memories SET reason = 'forgotten' WHERE memory_id = ?").run(memoryId);
  const probeIds = db.prepare("SELECT id FROM probes WHERE memory_id = ? AND tenant_id = ?").pluck().all(memoryId, tenantId) as number[];
  for (const probeId of probeIds) {
    db.prepare("UPDATE probes SET question = NULL, answer = NULL WHERE id = ?").run(probeId);
    db.prepare("UPDATE probe_results SET answer = NULL WHERE probe_id = ?").run(probeId);
  }
  // A model trained on the memory may have repeated it in answers to other probes, or in a tool
  // call the gate recorded as a miss, in the run that baked it or any later one: those answers and
  // misses go too (the numbers stay).
  if (runIds.size === 0) return;
  const first = Math.min(...runIds);
  db.prepare("UPDATE probe_results SET answer = NULL WHERE run_id IN (SELECT id FROM consolidation_runs WHERE tenant_id = ? AND id >= ?)").run(tenantId, first);
  const reports = db.prepare("SELECT id, gate_json FROM consolidation_runs WHERE tenant_id = ? AND id >= ? AND gate_json LIKE '%\"misses\"%'").all(tenantId, first) as Array<{ id: number; gate_json: string }>;
  for (const run of reports) db.prepare("UPDATE consolidation_runs SET gate_json = ? WHERE id = ?").run(JSON.stringify(withoutMisses(JSON.parse(run.gate_json) as Record<string, unknown>)), run.id);
}

function withoutMisses(report: Record<string, unknown>): Record<string, unknown> {
  const tools = report.toolCalls as Record<string, unknown> | undefined;
  const { misses: _misses, ...counts } = tools ?? {};
  return {
    ...report,
    ...(tools ? { toolCalls: counts } : {}),
    ...(report.incrementalAttempt ? { incrementalAttempt: withoutMisses(report.incrementalAttempt as Record<string, unknown>) } : {}),
  };
}

function queueRetrain(db: Database.Database, tenantId: number, now: number): void {
  db.prepare(
    "INSERT INTO retrain_queue (tenant_id, reason, forgotten, queued_at) VALUES (?, 'forgotten memory', 1, ?) ON CONFLICT (tenant_id) DO UPDATE SET forgotten = forgotten + 1",
  ).run(tenantId, now);
}

/** The tenant's queued full retrain, if any. */
export function queuedRetrain(db: Database.Database, tenantId: number): { reason: string; forgotten: number; queuedAt: number } | undefined {
  const row = db.prepare("SELECT reason, forgotten, queued_at FROM retrain_queue WHERE tenant_id = ?").get(tenantId) as { reason: string; forgotten: number; queued_at: number } | undefined;
  return row ? { reason: row.reason, forgotten: row.forgotten, queuedAt: row.queued_at } : undefined;
}

/** The queued retrain is done (its candidate approved, or nothing was left to train). */
export function clearQueuedRetrain(db: Database.Database, tenantId: number): void {
  db.prepare("DELETE FROM retrain_queue WHERE tenant_id = ?").run(tenantId);
}

/** Forgotten memories that some adapter of the tenant was trained on (so its versions were tainted). */
export function forgottenFromWeights(db: Database.Database, tenantId: number): Set<number> {
  return new Set(
    db
      .prepare("SELECT DISTINCT m.memory_id FROM adapter_manifest m JOIN adapter_versions v ON v.id = m.version_id JOIN memories mem ON mem.id = m.memory_id WHERE v.tenant_id = ? AND mem.status = 'deleted'")
      .pluck()
      .all(tenantId) as number[],
  );
}
