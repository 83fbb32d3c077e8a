import type { MemoryStore } from "./memory-store.js";
import type { AdapterSpec } from "../model/adapter-spec.js";
import { activeVersion, everActivated } from "../store/adapter-versions.js";
import { findTenantId, type Namespace } from "../store/tenants.js";
import { adapterRootOf, verifiedAdapterPath } from "./adapter-files.js";

/**
 * The adapters to serve a tenant with now: its active version's file, checked against the
 * recorded sha256, or none (the base model). Read from SQLite on every call, so an approval or a
 * rollback in any process is seen by the next call here.
 */
export async function activeAdapters(store: MemoryStore, namespace: Namespace): Promise<AdapterSpec[]> {
  const tenantId = findTenantId(store.db, namespace);
  if (tenantId === undefined) return [];
  const version = activeVersion(store.db, tenantId);
  if (!version) return [];
  return [{ filePath: await verifiedAdapterPath(adapterRootOf(store.path), version) }];
}

/** The active version's number for a tenant, 0 for the base model. */
export function activeVersionNumber(store: MemoryStore, namespace: Namespace): number {
  const tenantId = findTenantId(store.db, namespace);
  return tenantId === undefined ? 0 : (activeVersion(store.db, tenantId)?.version ?? 0);
}

/**
 * What the middleware serves a tenant with: `undefined` while the tenant never had a version
 * (the chat model keeps whatever adapters it was built with), else its active version, or no
 * adapter after a rollback to the base.
 */
export async function servedAdapters(store: MemoryStore, namespace: Namespace): Promise<AdapterSpec[] | undefined> {
  const tenantId = findTenantId(store.db, namespace);
  if (tenantId === undefined || !everActivated(store.db, tenantId)) return undefined;
  return activeAdapters(store, namespace);
}
