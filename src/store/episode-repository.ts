import type Database from "better-sqlite3";

export function insertEpisode(db: Database.Database, episode: { tenantId: number; role: string; content: string; occurredAt: number; recordedAt: number }): number {
  return Number(db.prepare("INSERT INTO episodes (tenant_id, role, content, occurred_at, recorded_at) VALUES (?, ?, ?, ?, ?)").run(episode.tenantId, episode.role, episode.content, episode.occurredAt, episode.recordedAt).lastInsertRowid);
}

// Forgetting keeps the row (memories' provenance still points at it) and drops only the content.
export function clearEpisodeContent(db: Database.Database, tenantId: number, episodeId: number): void {
  db.prepare("UPDATE episodes SET content = NULL WHERE id = ? AND tenant_id = ?").run(episodeId, tenantId);
}

/** Returns how many episodes still had content. */
export function clearTenantEpisodes(db: Database.Database, tenantId: number): number {
  return db.prepare("UPDATE episodes SET content = NULL WHERE tenant_id = ? AND content IS NOT NULL").run(tenantId).changes;
}
