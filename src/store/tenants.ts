import type Database from "better-sqlite3";
import { SealError } from "../errors.js";

/** A namespace: `[user]`, `[user, agent]` or `[user, agent, session]`, or any path up to 8 parts. */
export type Namespace = readonly string[];

const PART = /^[^/\u0000-\u001f]{1,128}$/;

/** Checks a namespace and returns its stored form (parts joined with "/"). */
export function namespaceKey(namespace: Namespace | undefined): string {
  if (!Array.isArray(namespace) || namespace.length === 0) {
    throw new SealError("TENANT_INVALID", "A tenant namespace is required, e.g. [\"user-42\"] or [\"user-42\", \"agent\", \"session-1\"]", { context: { namespace } });
  }
  if (namespace.length > 8 || !namespace.every((part) => typeof part === "string" && PART.test(part))) {
    throw new SealError("TENANT_INVALID", "Namespace parts must be 1-128 characters, without '/' or control characters, and at most 8 parts", { context: { namespace } });
  }
  return namespace.join("/");
}

/** The tenant's id, or undefined when nothing was ever stored for it (the namespace is checked either way). */
export function findTenantId(db: Database.Database, namespace: Namespace): number | undefined {
  return db.prepare("SELECT id FROM tenants WHERE namespace = ?").pluck().get(namespaceKey(namespace)) as number | undefined;
}

/** The tenant's id, creating the tenant if `create` (writes) or throwing TENANT_NOT_FOUND (reads). */
export function tenantId(db: Database.Database, namespace: Namespace, options: { create: boolean; now: number }): number {
  const key = namespaceKey(namespace);
  const found = findTenantId(db, namespace);
  if (found !== undefined) return found;
  if (!options.create) {
    throw new SealError("TENANT_NOT_FOUND", `No memories have been stored for namespace "${key}"`, { context: { namespace: key } });
  }
  const [user, agent, session] = namespace;
  return Number(
    db.prepare("INSERT INTO tenants (namespace, user_id, agent_id, session_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(namespace) DO UPDATE SET namespace = excluded.namespace RETURNING id")
      .pluck()
      .get(key, user ?? null, agent ?? null, session ?? null, options.now),
  );
}

/** Every namespace with at least one tenant row, as arrays. */
export function listNamespaces(db: Database.Database): string[][] {
  return (db.prepare("SELECT namespace FROM tenants ORDER BY namespace").pluck().all() as string[]).map((key) => key.split("/"));
}
