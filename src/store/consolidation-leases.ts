import type Database from "better-sqlite3";

export interface LeaseRow {
  tenant_id: number;
  owner: string;
  run_id: number | null;
  heartbeat_at: number;
  expires_at: number;
}

/**
 * Takes the tenant's lease for `owner` if it is free, expired or already `owner`'s. Returns the
 * holder that kept it otherwise. Call inside a write transaction: read and write must be one step.
 */
export function takeLease(
  db: Database.Database,
  lease: { tenantId: number; owner: string; now: number; ttlMs: number; holderIsGone?: (holder: LeaseRow) => boolean },
): { taken: true } | { taken: false; holder: LeaseRow } {
  const current = db.prepare("SELECT tenant_id, owner, run_id, heartbeat_at, expires_at FROM consolidation_leases WHERE tenant_id = ?").get(lease.tenantId) as LeaseRow | undefined;
  if (current && current.owner !== lease.owner && current.expires_at > lease.now && !lease.holderIsGone?.(current)) return { taken: false, holder: current };
  db.prepare(
    "INSERT INTO consolidation_leases (tenant_id, owner, run_id, heartbeat_at, expires_at) VALUES (?, ?, NULL, ?, ?) ON CONFLICT(tenant_id) DO UPDATE SET owner = excluded.owner, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at",
  ).run(lease.tenantId, lease.owner, lease.now, lease.now + lease.ttlMs);
  return { taken: true };
}

/** Renews the lease if `owner` still holds it; false when it was lost (expired and taken over). */
export function renewLease(db: Database.Database, lease: { tenantId: number; owner: string; runId: number | null; now: number; ttlMs: number }): boolean {
  return (
    db.prepare("UPDATE consolidation_leases SET heartbeat_at = ?, expires_at = ?, run_id = COALESCE(?, run_id) WHERE tenant_id = ? AND owner = ?").run(lease.now, lease.now + lease.ttlMs, lease.runId, lease.tenantId, lease.owner).changes === 1
  );
}

export function releaseLease(db: Database.Database, tenantId: number, owner: string): void {
  db.prepare("DELETE FROM consolidation_leases WHERE tenant_id = ? AND owner = ?").run(tenantId, owner);
}

export function getLease(db: Database.Database, tenantId: number): LeaseRow | undefined {
  return db.prepare("SELECT tenant_id, owner, run_id, heartbeat_at, expires_at FROM consolidation_leases WHERE tenant_id = ?").get(tenantId) as LeaseRow | undefined;
}
