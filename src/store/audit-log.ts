import type Database from "better-sqlite3";

export interface AuditEntry {
  tenantId: number;
  /** Null for tenant-wide actions (forgetting a tenant, a run-level decision). */
  memoryId: number | null;
  action: string;
  /** Serialised as JSON. Never a memory's text: forgetting must leave no copy here. */
  detail: Record<string, unknown>;
  at: number;
  /** Who decided (a person, `auto`); absent for the memory core's own changes. */
  actor?: string;
}

export function appendAudit(db: Database.Database, entry: AuditEntry): void {
  db.prepare("INSERT INTO audit_log (tenant_id, memory_id, action, detail, at, actor) VALUES (?, ?, ?, ?, ?, ?)").run(entry.tenantId, entry.memoryId, entry.action, JSON.stringify(entry.detail), entry.at, entry.actor ?? null);
}

/** One memory's entries, oldest first. */
export function memoryHistory(db: Database.Database, tenantId: number, memoryId: number): Array<{ action: string; at: Date; detail: Record<string, unknown> }> {
  const rows = db.prepare("SELECT action, at, detail FROM audit_log WHERE tenant_id = ? AND memory_id = ? ORDER BY id").all(tenantId, memoryId) as Array<{ action: string; at: number; detail: string | null }>;
  return rows.map((row) => ({
    action: row.action,
    at: new Date(row.at),
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {},
  }));
}

/** Decisions (entries with an actor) of a tenant, or of every tenant, newest first. */
export function decisions(db: Database.Database, filter: { tenantId?: number; limit?: number }): Array<{ tenantId: number; action: string; actor: string; at: Date; detail: Record<string, unknown> }> {
  const rows = db
    .prepare(`SELECT tenant_id, action, actor, at, detail FROM audit_log WHERE actor IS NOT NULL ${filter.tenantId === undefined ? "" : "AND tenant_id = ?"} ORDER BY id DESC LIMIT ?`)
    .all(...(filter.tenantId === undefined ? [] : [filter.tenantId]), filter.limit ?? -1) as Array<{ tenant_id: number; action: string; actor: string; at: number; detail: string | null }>;
  return rows.map((row) => ({ tenantId: row.tenant_id, action: row.action, actor: row.actor, at: new Date(row.at), detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {} }));
}
