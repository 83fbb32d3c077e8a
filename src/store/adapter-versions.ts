import type Database from "better-sqlite3";

export type VersionState = "candidate" | "pending" | "active" | "retired" | "rejected" | "tainted";

export interface VersionRow {
  id: number;
  tenant_id: number;
  version: number;
  run_id: number;
  file: string | null;
  sha256: string;
  base_model_sha256: string;
  training_sha256: string;
  parent_version_id: number | null;
  state: VersionState;
  settings_json: string;
  created_at: number;
  activated_at: number | null;
}

const COLUMNS = "id, tenant_id, version, run_id, file, sha256, base_model_sha256, training_sha256, parent_version_id, state, settings_json, created_at, activated_at";

/** The next version number of a tenant (rejected candidates keep theirs: numbers are never reused). */
export function nextVersionNumber(db: Database.Database, tenantId: number): number {
  return ((db.prepare("SELECT MAX(version) FROM adapter_versions WHERE tenant_id = ?").pluck().get(tenantId) as number | null) ?? 0) + 1;
}

export function insertVersion(
  db: Database.Database,
  row: { tenantId: number; version: number; runId: number; file: string; sha256: string; baseModelSha256: string; trainingSha256: string; parentVersionId: number | null; settingsJson: string; now: number },
): number {
  return Number(
    db
      .prepare("INSERT INTO adapter_versions (tenant_id, version, run_id, file, sha256, base_model_sha256, training_sha256, parent_version_id, state, settings_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'candidate', ?, ?)")
      .run(row.tenantId, row.version, row.runId, row.file, row.sha256, row.baseModelSha256, row.trainingSha256, row.parentVersionId, row.settingsJson, row.now).lastInsertRowid,
  );
}

export function getVersion(db: Database.Database, versionId: number): VersionRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM adapter_versions WHERE id = ?`).get(versionId) as VersionRow | undefined;
}

export function activeVersion(db: Database.Database, tenantId: number): VersionRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM adapter_versions WHERE tenant_id = ? AND state = 'active'`).get(tenantId) as VersionRow | undefined;
}

/** The tenant's versions, newest first. */
export function listVersions(db: Database.Database, tenantId: number): VersionRow[] {
  return db.prepare(`SELECT ${COLUMNS} FROM adapter_versions WHERE tenant_id = ? ORDER BY version DESC`).all(tenantId) as VersionRow[];
}

/**
 * The newest version below version number `below` (any, when undefined) that may be served again:
 * retired (it was active once, and is neither rejected nor tainted) and still with its file. What
 * a rollback returns to by default, and what a forget falls back to.
 */
export function newestServableBefore(db: Database.Database, tenantId: number, below?: number): VersionRow | undefined {
  return listVersions(db, tenantId).find((version) => version.state === "retired" && version.file !== null && (below === undefined || version.version < below));
}

/** Every file any row names, across tenants (what a sweep of the adapter folder must keep). */
export function namedAdapterFiles(db: Database.Database): Set<string> {
  return new Set(db.prepare("SELECT file FROM adapter_versions WHERE file IS NOT NULL").pluck().all() as string[]);
}

/** The version's file was deleted (a rejected or tainted candidate): the row stays, naming no file. */
export function clearVersionFile(db: Database.Database, versionId: number): void {
  db.prepare("UPDATE adapter_versions SET file = NULL WHERE id = ?").run(versionId);
}

export function setVersionState(db: Database.Database, versionId: number, state: VersionState, now: number): void {
  db.prepare(`UPDATE adapter_versions SET state = ?, activated_at = CASE WHEN ? = 'active' THEN ? ELSE activated_at END WHERE id = ?`).run(state, state, now, versionId);
}

/** Records what a version holds: each memory with the unit it came in. */
export function insertManifest(db: Database.Database, versionId: number, entries: ReadonlyArray<{ memoryId: number; unitId: number; replayed: boolean }>): void {
  const insert = db.prepare("INSERT OR IGNORE INTO adapter_manifest (version_id, memory_id, unit_id, replayed) VALUES (?, ?, ?, ?)");
  for (const entry of entries) insert.run(versionId, entry.memoryId, entry.unitId, entry.replayed ? 1 : 0);
}

export function manifestOf(db: Database.Database, versionId: number): Array<{ memoryId: number; unitId: number; replayed: boolean }> {
  return (db.prepare("SELECT memory_id, unit_id, replayed FROM adapter_manifest WHERE version_id = ? ORDER BY memory_id").all(versionId) as Array<{ memory_id: number; unit_id: number; replayed: number }>).map((row) => ({
    memoryId: row.memory_id,
    unitId: row.unit_id,
    replayed: row.replayed === 1,
  }));
}

/** Memory ids in the tenant's active version. */
export function bakedMemoryIds(db: Database.Database, tenantId: number): Set<number> {
  return new Set(
    db.prepare("SELECT m.memory_id FROM adapter_manifest m JOIN adapter_versions v ON v.id = m.version_id WHERE v.tenant_id = ? AND v.state = 'active'").pluck().all(tenantId) as number[],
  );
}

/** Whether the tenant ever had an approved version (then serving follows its active one, or the base). */
export function everActivated(db: Database.Database, tenantId: number): boolean {
  return db.prepare("SELECT 1 FROM adapter_versions WHERE tenant_id = ? AND activated_at IS NOT NULL LIMIT 1").pluck().get(tenantId) !== undefined;
}
