import type Database from "better-sqlite3";

export const RUN_STAGES = ["select", "probe", "write", "train", "gate", "review", "activate", "done"] as const;
export type RunStage = (typeof RUN_STAGES)[number];
export type RunState = "running" | "pending" | "approved" | "rejected" | "failed" | "empty" | "dry-run";
export type RunMode = "incremental" | "full";

export interface RunRow {
  id: number;
  tenant_id: number;
  state: RunState;
  stage: RunStage;
  mode: RunMode;
  settings_json: string;
  from_version_id: number | null;
  candidate_version_id: number | null;
  train_attempt: number;
  trainer_pid: number | null;
  gate_json: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

const COLUMNS = "id, tenant_id, state, stage, mode, settings_json, from_version_id, candidate_version_id, train_attempt, trainer_pid, gate_json, error, created_at, updated_at, finished_at";

/** A new run at its first stage. The unique index allows one running run per tenant. */
export function insertRun(db: Database.Database, run: { tenantId: number; mode: RunMode; settingsJson: string; fromVersionId: number | null; now: number }): number {
  return Number(
    db
      .prepare("INSERT INTO consolidation_runs (tenant_id, state, stage, mode, settings_json, from_version_id, created_at, updated_at) VALUES (?, 'running', 'select', ?, ?, ?, ?, ?)")
      .run(run.tenantId, run.mode, run.settingsJson, run.fromVersionId, run.now, run.now).lastInsertRowid,
  );
}

export function getRun(db: Database.Database, runId: number): RunRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM consolidation_runs WHERE id = ?`).get(runId) as RunRow | undefined;
}

/** The tenant's run still in its stages, if any (a killed run waiting to be resumed). */
export function runningRun(db: Database.Database, tenantId: number): RunRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM consolidation_runs WHERE tenant_id = ? AND state = 'running'`).get(tenantId) as RunRow | undefined;
}

/** Runs of one tenant (or all tenants), newest first, optionally in one state. */
export function listRuns(db: Database.Database, filter: { tenantId?: number; state?: RunState; limit?: number }): RunRow[] {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.tenantId !== undefined) {
    where.push("tenant_id = ?");
    values.push(filter.tenantId);
  }
  if (filter.state) {
    where.push("state = ?");
    values.push(filter.state);
  }
  const sql = `SELECT ${COLUMNS} FROM consolidation_runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
  return db.prepare(sql).all(...values, filter.limit ?? -1) as RunRow[];
}

/** Moves a run on: its stage, state and any of the columns a stage sets. */
export function updateRun(
  db: Database.Database,
  runId: number,
  change: Partial<{ stage: RunStage; state: RunState; mode: RunMode; candidateVersionId: number | null; trainAttempt: number; trainerPid: number | null; gateJson: string; error: string | null; finishedAt: number }>,
  now: number,
): void {
  const columns: Record<string, string> = {
    stage: "stage",
    state: "state",
    mode: "mode",
    candidateVersionId: "candidate_version_id",
    trainAttempt: "train_attempt",
    trainerPid: "trainer_pid",
    gateJson: "gate_json",
    error: "error",
    finishedAt: "finished_at",
  };
  const sets: string[] = ["updated_at = ?"];
  const values: unknown[] = [now];
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    sets.push(`${columns[key]} = ?`);
    values.push(value);
  }
  db.prepare(`UPDATE consolidation_runs SET ${sets.join(", ")} WHERE id = ?`).run(...values, runId);
}
