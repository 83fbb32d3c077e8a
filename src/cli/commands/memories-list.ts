import { SealError } from "../../errors.js";
import { activeVersion, bakedMemoryIds } from "../../store/adapter-versions.js";
import type { MemoryStore } from "../../memory/memory-store.js";
import type { Namespace } from "../../store/tenants.js";
import type { CommandContext } from "../command.js";
import { clip, noPositionals, print, printJson, requireTenant, storeOptions } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

const STATUSES = ["active", "superseded", "deleted"] as const;
type ListedStatus = (typeof STATUSES)[number];

export const memoriesListCommand = {
  name: "memories list",
  summary: "List a tenant's memories: kind, durability, confidence, recurrence, and whether the active adapter holds them",
  usage: "seal memories list --tenant T [--status active|superseded|deleted] [--store <path>] [--json]",
  options: { tenant: { type: "string" }, status: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    noPositionals(positionals, memoriesListCommand.usage);
    const tenant = parseTenantOption(values.tenant, { required: true, usage: memoriesListCommand.usage });
    const status = (values.status ?? "active") as ListedStatus;
    if (!STATUSES.includes(status)) throw new SealError("INVALID_OPTIONS", `--status must be active, superseded or deleted, not "${String(values.status)}"`, { hint: `usage: ${memoriesListCommand.usage}` });
    return withCliStore(values.store, async (store) => {
      const tenantId = requireTenant(store, tenant);
      const baked = bakedMemoryIds(store.db, tenantId);
      const version = activeVersion(store.db, tenantId)?.version ?? 0;
      const memories = listAll(store, tenant, status).map((memory) => ({ ...memory, baked: baked.has(memory.id) }));
      if (json) {
        printJson({ store: store.path, tenant: tenantLabel(tenant), status, activeVersion: version, memories });
        return 0;
      }
      if (memories.length === 0) {
        print(`No ${status} memories for ${tenantLabel(tenant)}.`);
        return 0;
      }
      print(`${memories.length} ${status} memories of ${tenantLabel(tenant)} (active adapter: ${version === 0 ? "base model" : `v${version}`}; baked = in it)`);
      print(`  ${"id".padStart(6)}  ${"kind".padEnd(10)} ${"durability".padEnd(10)} conf  rec  baked  text`);
      for (const memory of memories) {
        print(`  ${String(memory.id).padStart(6)}  ${memory.kind.padEnd(10)} ${memory.durability.padEnd(10)} ${memory.confidence.toFixed(2)} ${String(memory.recurrence).padStart(4)}  ${(memory.baked ? "yes" : "no").padEnd(5)}  ${status === "deleted" ? "(forgotten)" : clip(memory.text, 90)}`);
      }
      return 0;
    });
  },
} as const;

/** Every memory in a status, a page at a time (one query per page keeps each IN list small). */
function listAll(store: MemoryStore, tenant: Namespace, status: ListedStatus) {
  const all = [];
  for (let offset = 0; ; offset += 1000) {
    const page = store.list(tenant, { status, limit: 1000, offset });
    all.push(...page);
    if (page.length < 1000) return all;
  }
}
