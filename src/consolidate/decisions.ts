import type Database from "better-sqlite3";
import { crashPoint } from "../config/crash-points.js";
import { SealError } from "../errors.js";
import { activeVersion, getVersion, listVersions, manifestOf, newestServableBefore, setVersionState, type VersionRow } from "../store/adapter-versions.js";
import { appendAudit } from "../store/audit-log.js";
import { clearQueuedRetrain } from "../store/consolidation-forget.js";
import { getRun, updateRun } from "../store/consolidation-runs.js";
import { writeTransaction } from "../store/write-transaction.js";

export interface DecisionOptions {
  /** Who decided: a person's name, or "auto" for the auto-review policy. Recorded in the audit log. */
  actor: string;
  now?: number;
}

/**
 * Approves a pending run: in one transaction its candidate becomes the tenant's active version
 * (the previous one retired), the decision is recorded with who and when, and every memory in the
 * manifest is recorded as baked. Running agents see it on their next call.
 */
export function approveRun(db: Database.Database, runId: number, options: DecisionOptions): { version: number; memories: number } {
  const now = options.now ?? Date.now();
  checkActor(options.actor);
  return writeTransaction(db, () => {
    const run = pendingRun(db, runId, "approve");
    const candidate = getVersion(db, run.candidate_version_id as number) as VersionRow;
    const previous = activeVersion(db, run.tenant_id);
    if (previous) setVersionState(db, previous.id, "retired", now);
    setVersionState(db, candidate.id, "active", now);
    updateRun(db, runId, { state: "approved", stage: "done", finishedAt: now }, now);
    // A full retrain serves weights trained on none of the forgotten memories: the queue is done.
    if (run.mode === "full") clearQueuedRetrain(db, run.tenant_id);
    const manifest = manifestOf(db, candidate.id);
    appendAudit(db, { tenantId: run.tenant_id, memoryId: null, action: "consolidation-approve", detail: { run: runId, version: candidate.version, previous: previous?.version ?? null, memories: manifest.length }, at: now, actor: options.actor });
    for (const entry of manifest) if (!entry.replayed) appendAudit(db, { tenantId: run.tenant_id, memoryId: entry.memoryId, action: "baked", detail: { run: runId, version: candidate.version }, at: now, actor: options.actor });
    crashPoint("approve:commit"); // inside the transaction: the previous version stays active
    return { version: candidate.version, memories: manifest.length };
  });
}

/** Rejects a pending run with a reason; its candidate is never served. The active version is unchanged. */
export function rejectRun(db: Database.Database, runId: number, options: DecisionOptions & { reason: string }): void {
  const now = options.now ?? Date.now();
  checkActor(options.actor);
  if (typeof options.reason !== "string" || !options.reason.trim()) throw new SealError("INVALID_OPTIONS", "A rejection needs a reason", { hint: 'seal review reject <run> --reason "why"' });
  writeTransaction(db, () => {
    const run = pendingRun(db, runId, "reject");
    const candidate = getVersion(db, run.candidate_version_id as number) as VersionRow;
    setVersionState(db, candidate.id, "rejected", now);
    updateRun(db, runId, { state: "rejected", stage: "done", finishedAt: now, error: `rejected: ${options.reason}` }, now);
    appendAudit(db, { tenantId: run.tenant_id, memoryId: null, action: "consolidation-reject", detail: { run: runId, version: candidate.version, reason: options.reason }, at: now, actor: options.actor });
  });
}

/**
 * Makes an earlier version active again (the newest retired one before the active, or `to`), or
 * the base model with `to: 0`. Recorded like any decision. Tainted and rejected versions cannot
 * be rolled back to.
 */
export function rollbackVersion(db: Database.Database, tenantId: number, options: DecisionOptions & { to?: number }): { from: number; to: number } {
  const now = options.now ?? Date.now();
  checkActor(options.actor);
  return writeTransaction(db, () => {
    const current = activeVersion(db, tenantId);
    const versions = listVersions(db, tenantId);
    let target: VersionRow | undefined;
    if (options.to === 0) target = undefined;
    else if (options.to !== undefined) {
      target = versions.find((version) => version.version === options.to);
      if (!target || !["retired", "active"].includes(target.state) || target.file === null) {
        throw new SealError("VERSION_NOT_FOUND", `Version ${options.to} cannot be made active${target ? ` (it is ${target.state})` : " (no such version)"}`, { hint: "`seal adapters --tenant T` lists the versions and their states.", context: { to: options.to, state: target?.state } });
      }
    } else {
      target = newestServableBefore(db, tenantId, current?.version);
      if (!target) {
        if (!current) throw new SealError("VERSION_NOT_FOUND", "There is no active version to roll back from", { hint: "`seal adapters --tenant T` lists the versions." });
        throw new SealError("VERSION_NOT_FOUND", `There is no earlier version than v${current.version} to roll back to`, { hint: "Roll back to the base model with `--to 0`." });
      }
    }
    if (current?.id === target?.id) return { from: current?.version ?? 0, to: target?.version ?? 0 }; // already so: nothing to record
    if (current) setVersionState(db, current.id, "retired", now);
    if (target) setVersionState(db, target.id, "active", now);
    appendAudit(db, { tenantId, memoryId: null, action: "adapter-rollback", detail: { from: current?.version ?? 0, to: target?.version ?? 0 }, at: now, actor: options.actor });
    crashPoint("rollback:commit"); // inside the transaction: the pointer does not move
    return { from: current?.version ?? 0, to: target?.version ?? 0 };
  });
}

function pendingRun(db: Database.Database, runId: number, verb: string) {
  const run = getRun(db, runId);
  if (!run) throw new SealError("RUN_NOT_FOUND", `No consolidation run ${runId}`, { hint: "`seal review` lists the pending runs.", context: { runId } });
  if (run.state !== "pending" || run.candidate_version_id === null) {
    throw new SealError("RUN_STATE_INVALID", `Run ${runId} is ${run.state}, not pending: it cannot be ${verb === "approve" ? "approved" : "rejected"}`, {
      hint: run.state === "running" ? "Wait for it to reach the review (or resume it with `seal consolidate`)." : "Only a run waiting for review can be decided.",
      context: { runId, state: run.state },
    });
  }
  return run;
}

function checkActor(actor: unknown): void {
  if (typeof actor !== "string" || !actor.trim() || actor.length > 200) throw new SealError("INVALID_OPTIONS", "A decision needs an actor (who decided), 1-200 characters");
}
