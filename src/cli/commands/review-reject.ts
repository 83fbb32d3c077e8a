import { rejectRun } from "../../consolidate/decisions.js";
import { activeVersion, getVersion } from "../../store/adapter-versions.js";
import { getRun } from "../../store/consolidation-runs.js";
import { tenantNamespaces } from "../../store/consolidation-views.js";
import { SealError } from "../../errors.js";
import type { CommandContext } from "../command.js";
import { actorOf, parseRunId, print, printJson, storeOptions } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";

export const reviewRejectCommand = {
  name: "review reject",
  summary: "Reject a pending run with a reason; its candidate is never served and the active version stays",
  usage: 'seal review reject <run> --reason "…" [--actor NAME] [--store <path>] [--json]',
  options: { reason: { type: "string" }, actor: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    const runId = parseRunId(positionals[0], reviewRejectCommand.usage);
    if (typeof values.reason !== "string" || !values.reason.trim()) {
      throw new SealError("INVALID_OPTIONS", "A rejection needs --reason", { hint: `usage: ${reviewRejectCommand.usage}` });
    }
    const reason = values.reason.trim();
    const actor = actorOf(values.actor);
    return withCliStore(values.store, async (store) => {
      rejectRun(store.db, runId, { actor, reason });
      const run = getRun(store.db, runId) as NonNullable<ReturnType<typeof getRun>>;
      const candidate = run.candidate_version_id === null ? undefined : getVersion(store.db, run.candidate_version_id);
      const active = activeVersion(store.db, run.tenant_id)?.version ?? 0;
      const tenant = tenantNamespaces(store.db).get(run.tenant_id) ?? "";
      if (json) printJson({ runId, tenant, actor, reason, rejectedVersion: candidate?.version ?? null, activeVersion: active });
      else print(`Rejected run ${runId} (by ${actor}: ${reason})${candidate ? `; candidate v${candidate.version} will not be served` : ""}. ${tenant} stays on ${active === 0 ? "the base model" : `v${active}`}.`);
      return 0;
    });
  },
} as const;
