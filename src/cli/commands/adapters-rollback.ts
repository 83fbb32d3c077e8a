import { rollbackVersion } from "../../consolidate/decisions.js";
import { SealError } from "../../errors.js";
import { adapterRootOf, verifiedAdapterPath } from "../../memory/adapter-files.js";
import { activeVersion, listVersions } from "../../store/adapter-versions.js";
import type { CommandContext } from "../command.js";
import { actorOf, noPositionals, print, printJson, requireTenant, storeOptions } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

export const adaptersRollbackCommand = {
  name: "adapters rollback",
  summary: "Make an earlier adapter version active again (default: the one before), or the base model with --to 0",
  usage: "seal adapters rollback --tenant T [--to N] [--actor NAME] [--store <path>] [--json]",
  options: { tenant: { type: "string" }, to: { type: "string" }, actor: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    noPositionals(positionals, adaptersRollbackCommand.usage);
    const tenant = parseTenantOption(values.tenant, { required: true, usage: adaptersRollbackCommand.usage });
    const to = values.to === undefined ? undefined : parseVersion(values.to);
    const actor = actorOf(values.actor);
    return withCliStore(values.store, async (store) => {
      const tenantId = requireTenant(store, tenant);
      const root = adapterRootOf(store.path);
      // A version named by number is checked before it is made active: a damaged file must not be served.
      const named = to ? listVersions(store.db, tenantId).find((version) => version.version === to) : undefined;
      if (named?.file && ["retired", "active"].includes(named.state)) await verifiedAdapterPath(root, named);
      const result = rollbackVersion(store.db, tenantId, { actor, ...(to !== undefined ? { to } : {}) });
      // The default target is the core's choice: check what is now served.
      const now = activeVersion(store.db, tenantId);
      let warning: string | undefined;
      if (now) {
        await verifiedAdapterPath(root, now).catch((error: unknown) => {
          warning = `v${now.version} is active but its file will not load: ${(error as Error).message}`;
        });
      }
      const label = tenantLabel(tenant);
      if (json) printJson({ tenant: label, actor, from: result.from, to: result.to, activeVersion: now?.version ?? 0, ...(warning ? { warning } : {}) });
      else {
        const name = (version: number) => (version === 0 ? "the base model" : `v${version}`);
        print(result.from === result.to ? `${label} already serves ${name(result.to)}; nothing changed.` : `Rolled back ${label} (by ${actor}): ${name(result.from)} -> ${name(result.to)}. Active now: ${name(now?.version ?? 0)}.`);
        if (warning) process.stderr.write(`warning: ${warning}\n`);
      }
      return 0;
    });
  },
} as const;

/** `--to 3`, `--to v3` or `--to v0003`; 0 is the base model. */
function parseVersion(raw: string | boolean): number {
  const text = typeof raw === "string" ? raw.trim().replace(/^v/i, "") : "";
  const version = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(version)) {
    throw new SealError("INVALID_OPTIONS", `--to must be a version number (3 or v3; 0 is the base model), got "${String(raw)}"`, { hint: "`seal adapters --tenant T` lists the versions." });
  }
  return version;
}
