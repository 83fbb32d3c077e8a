import { decisions } from "../../store/audit-log.js";
import { tenantNamespaces } from "../../store/consolidation-views.js";
import type { CommandContext } from "../command.js";
import { noPositionals, print, printJson, requireTenant, storeOptions, when } from "../consolidation-output.js";
import { parseNumberFlag } from "../number-flag.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";
import { SealError } from "../../errors.js";

export const auditCommand = {
  name: "audit",
  summary: "List the decisions in the audit log (approve, reject, rollback, auto), with who made them and when, newest first",
  usage: "seal audit [--tenant T] [--limit N] [--store <path>] [--json]",
  options: { tenant: { type: "string" }, limit: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    noPositionals(positionals, auditCommand.usage);
    const tenant = parseTenantOption(values.tenant);
    const limit = values.limit === undefined ? undefined : parseNumberFlag(values.limit, "limit");
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new SealError("INVALID_OPTIONS", `--limit must be a positive whole number, got ${String(values.limit)}`, { hint: `usage: ${auditCommand.usage}` });
    return withCliStore(values.store, async (store) => {
      const tenantId = tenant ? requireTenant(store, tenant) : undefined;
      const namespaces = tenantNamespaces(store.db);
      // "baked" entries are per memory (one per memory an approval baked): the approval itself says how many.
      const entries = decisions(store.db, { ...(tenantId !== undefined ? { tenantId } : {}) })
        .filter((entry) => entry.action !== "baked")
        .slice(0, limit ?? Number.POSITIVE_INFINITY)
        .map((entry) => ({ tenant: namespaces.get(entry.tenantId) ?? String(entry.tenantId), action: entry.action, actor: entry.actor, at: entry.at, detail: entry.detail }));
      if (json) {
        printJson({ store: store.path, ...(tenant ? { tenant: tenantLabel(tenant) } : {}), decisions: entries });
        return 0;
      }
      if (entries.length === 0) {
        print(`No decisions recorded${tenant ? ` for ${tenantLabel(tenant)}` : ""}.`);
        return 0;
      }
      for (const entry of entries) print(`${when(entry.at)}  ${entry.tenant}  ${entry.action.padEnd(21)} by ${entry.actor}  ${describe(entry.action, entry.detail)}`);
      return 0;
    });
  },
} as const;

function describe(action: string, detail: Record<string, unknown>): string {
  const version = (value: unknown) => (value === 0 || value === null || value === undefined ? "base" : `v${String(value)}`);
  switch (action) {
    case "consolidation-approve":
      return `run ${String(detail.run)}: ${version(detail.previous)} -> ${version(detail.version)} (${String(detail.memories)} memories)`;
    case "consolidation-reject":
      return `run ${String(detail.run)}: v${String(detail.version)} rejected: ${String(detail.reason)}`;
    case "adapter-rollback":
      return `${version(detail.from)} -> ${version(detail.to)}`;
    default:
      return JSON.stringify(detail);
  }
}
