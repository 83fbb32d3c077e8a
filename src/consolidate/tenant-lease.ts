import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { SealError } from "../errors.js";
import { releaseLease, renewLease, takeLease } from "../store/consolidation-leases.js";
import { writeTransaction } from "../store/write-transaction.js";

/**
 * A holder on this machine whose process no longer exists (killed with SIGKILL, crashed) cannot
 * renew its lease: it is taken over at once instead of after the ttl. Holders on other machines
 * (a shared store on a network disk) are only taken over when their lease expires.
 */
function deadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(":");
  if (host !== hostname() || !pid || !/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** A lease on one tenant's consolidation, renewed by heartbeats while the run works. */
export class TenantLease {
  private lastBeat = 0;
  private runId: number | null = null;

  private constructor(
    private readonly db: Database.Database,
    private readonly tenantId: number,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Takes the lease or throws CONSOLIDATION_BUSY naming the holder. */
  static take(db: Database.Database, tenantId: number, options: { owner?: string; ttlMs: number; now: () => number; namespace: string }): TenantLease {
    const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const result = writeTransaction(db, () => takeLease(db, { tenantId, owner, now: options.now(), ttlMs: options.ttlMs, holderIsGone: (holder) => deadLocalOwner(holder.owner) }));
    if (!result.taken) {
      throw new SealError("CONSOLIDATION_BUSY", `Another process is consolidating "${options.namespace}" (${result.holder.owner})`, {
        hint: `Wait for it to finish; if it died, its lease expires ${new Date(result.holder.expires_at).toISOString()} and the next run resumes its work.`,
        context: { owner: result.holder.owner, runId: result.holder.run_id, expiresAt: result.holder.expires_at },
      });
    }
    const lease = new TenantLease(db, tenantId, owner, options.ttlMs, options.now);
    lease.lastBeat = options.now();
    return lease;
  }

  attach(runId: number): void {
    this.runId = runId;
    this.beat(true);
  }

  /** Renews at most every third of the ttl; throws if the lease was lost (this process stalled past its ttl). */
  beat(force = false): void {
    const now = this.now();
    if (!force && now - this.lastBeat < this.ttlMs / 3) return;
    const kept = writeTransaction(this.db, () => renewLease(this.db, { tenantId: this.tenantId, owner: this.owner, runId: this.runId, now, ttlMs: this.ttlMs }));
    if (!kept) throw new SealError("CONSOLIDATION_BUSY", "This run's lease expired and another process took the tenant over", { hint: "The other process resumes the run; nothing is lost.", context: { owner: this.owner } });
    this.lastBeat = now;
  }

  release(): void {
    writeTransaction(this.db, () => releaseLease(this.db, this.tenantId, this.owner));
  }
}
