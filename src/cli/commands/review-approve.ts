import { approveRun } from "../../consolidate/decisions.js";
import { adapterRootOf, verifiedAdapterPath } from "../../memory/adapter-files.js";
import { activeVersion, getVersion } from "../../store/adapter-versions.js";
import { getRun } from "../../store/consolidation-runs.js";
import { tenantNamespaces } from "../../store/consolidation-views.js";
import type { CommandContext } from "../command.js";
import { actorOf, parseRunId, print, printJson, storeOptions } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";

export const reviewApproveCommand = {
  name: "review approve",
  summary: "Approve a pending run: its candidate becomes the tenant's active version (recorded with who and when)",
  usage: "seal review approve <run> [--actor NAME] [--store <path>] [--json]",
  options: { actor: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    const runId = parseRunId(positionals[0], reviewApproveCommand.usage);
    const actor = actorOf(values.actor);
    return withCliStore(values.store, async (store) => {
      // The file is checked before it is made active: an approval must never activate an adapter
      // that would not load (serving checks the sha256 too, and would fail on every call).
      const run = getRun(store.db, runId);
      const candidate = run?.state === "pending" && run.candidate_version_id !== null ? getVersion(store.db, run.candidate_version_id) : undefined;
      if (candidate) await verifiedAdapterPath(adapterRootOf(store.path), candidate);
      const previous = run ? activeVersion(store.db, run.tenant_id)?.version ?? 0 : 0;
      const approved = approveRun(store.db, runId, { actor });
      const tenant = tenantNamespaces(store.db).get((run as NonNullable<typeof run>).tenant_id) ?? "";
      if (json) printJson({ runId, tenant, actor, activeVersion: approved.version, previousVersion: previous, memories: approved.memories });
      else {
        print(`Approved run ${runId} (by ${actor}): v${approved.version} is now the active version of ${tenant} (was ${previous === 0 ? "the base model" : `v${previous}`}).`);
        print(`  ${approved.memories} memories in its manifest; \`seal adapters rollback --tenant ${tenant}\` undoes it.`);
      }
      return 0;
    });
  },
} as const;
