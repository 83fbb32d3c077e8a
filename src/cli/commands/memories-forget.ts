import { SealError } from "../../errors.js";
import type { CommandContext } from "../command.js";
import { parseMemoryId, print, printJson, requireTenant, storeOptions } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

export const memoriesForgetCommand = {
  name: "memories forget",
  summary: "Forget memories everywhere: SQLite, the search index, and the weights (adapters trained on them are tainted and deleted, the served version falls back, a full retrain is queued)",
  usage: "seal memories forget <id>... --tenant T [--store <path>] [--json]",
  options: { tenant: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    const tenant = parseTenantOption(values.tenant, { required: true, usage: memoriesForgetCommand.usage });
    if (positionals.length === 0) throw new SealError("INVALID_OPTIONS", "Name the memory ids to forget", { hint: `usage: ${memoriesForgetCommand.usage}; \`seal memories list --tenant T\` shows the ids.` });
    const ids = positionals.map((raw) => parseMemoryId(raw, memoriesForgetCommand.usage));
    return withCliStore(values.store, { writes: true }, async (store) => {
      requireTenant(store, tenant);
      // Every id is checked before any is forgotten: a typo must not leave half the list done.
      const missing = ids.filter((id) => store.get(tenant, id) === undefined);
      if (missing.length) {
        throw new SealError("MEMORY_NOT_FOUND", `No memory ${missing.join(", ")} for tenant "${tenantLabel(tenant)}"; nothing was forgotten`, { hint: `\`seal memories list --tenant ${tenantLabel(tenant)}\` shows the ids.`, context: { missing } });
      }
      const results = ids.map((id) => store.forget(tenant, id));
      if (json) {
        printJson({ store: store.path, tenant: tenantLabel(tenant), forgotten: results });
        return 0;
      }
      for (const result of results) {
        const weights = result.weights;
        const served = weights?.fallback ? `; served now: ${weights.fallback.to === 0 ? "the base model" : `v${weights.fallback.to}`} (was v${weights.fallback.from})` : "";
        const tainted = weights?.tainted.length ? `; adapters trained on it tainted and deleted: ${weights.tainted.map((version) => `v${version}`).join(", ")}, a full retrain is queued for the next \`seal consolidate\`${served}` : "";
        print(result.status === "already-deleted" ? `memory ${result.id}: already forgotten` : `memory ${result.id}: forgotten${tainted}`);
      }
      return 0;
    });
  },
} as const;
