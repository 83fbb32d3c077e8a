import type Database from "better-sqlite3";

// What a run produces between selection and the gate: per-memory decisions, units, self-edits,
// probes and probe results. Each insert is idempotent, so a resumed stage can write again.

export type MemoryDecision = "selected" | "skipped" | "flagged";

export function insertRunMemory(db: Database.Database, row: { runId: number; memoryId: number; decision: MemoryDecision; reason: string; unitId: number | null }): void {
  db.prepare("INSERT OR REPLACE INTO run_memories (run_id, memory_id, decision, reason, unit_id) VALUES (?, ?, ?, ?, ?)").run(row.runId, row.memoryId, row.decision, row.reason, row.unitId);
}

export function runMemories(db: Database.Database, runId: number): Array<{ memoryId: number; decision: MemoryDecision; reason: string; unitId: number | null }> {
  return (db.prepare("SELECT memory_id, decision, reason, unit_id FROM run_memories WHERE run_id = ? ORDER BY memory_id").all(runId) as Array<{ memory_id: number; decision: MemoryDecision; reason: string; unit_id: number | null }>).map((row) => ({
    memoryId: row.memory_id,
    decision: row.decision,
    reason: row.reason,
    unitId: row.unit_id,
  }));
}

export interface UnitRow {
  id: number;
  run_id: number;
  subject: string | null;
  text: string | null;
  written: number;
}

export function insertUnit(db: Database.Database, row: { runId: number; tenantId: number; subject: string | null; text: string; memoryIds: readonly number[]; now: number }): number {
  const id = Number(db.prepare("INSERT INTO consolidation_units (run_id, tenant_id, subject, text, created_at) VALUES (?, ?, ?, ?, ?)").run(row.runId, row.tenantId, row.subject, row.text, row.now).lastInsertRowid);
  const link = db.prepare("INSERT INTO unit_memories (unit_id, memory_id) VALUES (?, ?)");
  for (const memoryId of row.memoryIds) link.run(id, memoryId);
  return id;
}

export function unitsOfRun(db: Database.Database, runId: number): UnitRow[] {
  return db.prepare("SELECT id, run_id, subject, text, written FROM consolidation_units WHERE run_id = ? ORDER BY id").all(runId) as UnitRow[];
}

export function unitsByIds(db: Database.Database, unitIds: readonly number[]): UnitRow[] {
  if (unitIds.length === 0) return [];
  return db.prepare(`SELECT id, run_id, subject, text, written FROM consolidation_units WHERE id IN (${unitIds.map(() => "?").join(",")}) ORDER BY id`).all(...unitIds) as UnitRow[];
}

export function unitMemoryIds(db: Database.Database, unitId: number): number[] {
  return db.prepare("SELECT memory_id FROM unit_memories WHERE unit_id = ? ORDER BY memory_id").pluck().all(unitId) as number[];
}

export function markUnitWritten(db: Database.Database, unitId: number): void {
  db.prepare("UPDATE consolidation_units SET written = 1 WHERE id = ?").run(unitId);
}

export interface SelfEditRow {
  id: number;
  unit_id: number;
  strategy: string;
  writer: string;
  sample: number;
  text: string | null;
  answer: string | null;
  kept: number;
  filter_reason: string | null;
}

export function insertSelfEdit(db: Database.Database, row: { unitId: number; strategy: string; writer: string; sample: number; text: string; answer: string | null; kept: boolean; filterReason: string | null }): void {
  db.prepare("INSERT OR IGNORE INTO self_edits (unit_id, strategy, writer, sample, text, answer, kept, filter_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    row.unitId,
    row.strategy,
    row.writer,
    row.sample,
    row.text,
    row.answer,
    row.kept ? 1 : 0,
    row.filterReason,
  );
}

export function selfEditsOfUnits(db: Database.Database, unitIds: readonly number[]): SelfEditRow[] {
  if (unitIds.length === 0) return [];
  return db.prepare(`SELECT id, unit_id, strategy, writer, sample, text, answer, kept, filter_reason FROM self_edits WHERE unit_id IN (${unitIds.map(() => "?").join(",")}) ORDER BY id`).all(...unitIds) as SelfEditRow[];
}

export interface ProbeRow {
  id: number;
  memory_id: number;
  question: string;
  answer: string;
  source: "model" | "template";
}

export function insertProbe(db: Database.Database, row: { tenantId: number; memoryId: number; question: string; answer: string; source: "model" | "template"; now: number }): number {
  return Number(db.prepare("INSERT INTO probes (tenant_id, memory_id, question, answer, source, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(row.tenantId, row.memoryId, row.question, row.answer, row.source, row.now).lastInsertRowid);
}

/** The probes of these memories that still hold their text (a forgotten memory's are emptied). */
export function probesOfMemories(db: Database.Database, tenantId: number, memoryIds: readonly number[]): ProbeRow[] {
  if (memoryIds.length === 0) return [];
  return db
    .prepare(`SELECT id, memory_id, question, answer, source FROM probes WHERE tenant_id = ? AND question IS NOT NULL AND memory_id IN (${memoryIds.map(() => "?").join(",")}) ORDER BY id`)
    .all(tenantId, ...memoryIds) as ProbeRow[];
}

export type ProbeModel = "base" | "reference" | "candidate";
export type ProbeRole = "new" | "retained" | "forgotten";

export interface ProbeResultRow {
  probe_id: number;
  model: ProbeModel;
  role: ProbeRole;
  trained: number;
  correct: number;
  log_prob: number;
  answer: string | null;
}

export function insertProbeResult(db: Database.Database, row: { runId: number; probeId: number; model: ProbeModel; role: ProbeRole; trained: boolean; correct: boolean; logProb: number; answer: string }): void {
  db.prepare("INSERT OR REPLACE INTO probe_results (run_id, probe_id, model, role, trained, correct, log_prob, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    row.runId,
    row.probeId,
    row.model,
    row.role,
    row.trained ? 1 : 0,
    row.correct ? 1 : 0,
    row.logProb,
    row.answer,
  );
}

export function probeResultsOfRun(db: Database.Database, runId: number): ProbeResultRow[] {
  return db.prepare("SELECT probe_id, model, role, trained, correct, log_prob, answer FROM probe_results WHERE run_id = ? ORDER BY probe_id, model").all(runId) as ProbeResultRow[];
}

/** Memories on either side of a contradiction nobody resolved: never baked while it stands. */
export function contradictedMemoryIds(db: Database.Database, tenantId: number): Set<number> {
  const rows = db.prepare("SELECT memory_id, conflicts_with FROM contradictions WHERE tenant_id = ? AND resolved_at IS NULL").all(tenantId) as Array<{ memory_id: number; conflicts_with: number }>;
  return new Set(rows.flatMap((row) => [row.memory_id, row.conflicts_with]));
}

/** Kept and dropped self-edits of a run's units. */
export function selfEditCounts(db: Database.Database, runId: number): { kept: number; dropped: number } {
  const row = db.prepare("SELECT SUM(kept) AS kept, SUM(1 - kept) AS dropped FROM self_edits WHERE unit_id IN (SELECT id FROM consolidation_units WHERE run_id = ?)").get(runId) as { kept: number | null; dropped: number | null };
  return { kept: row.kept ?? 0, dropped: row.dropped ?? 0 };
}

/** Probes of the memories a run selected. */
export function probeCountOfRun(db: Database.Database, runId: number): number {
  return db.prepare("SELECT COUNT(*) FROM probes WHERE question IS NOT NULL AND memory_id IN (SELECT memory_id FROM run_memories WHERE run_id = ? AND decision = 'selected')").pluck().get(runId) as number;
}
