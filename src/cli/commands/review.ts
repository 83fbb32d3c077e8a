import { pendingRuns } from "../../consolidate/run-report.js";
import type { CommandContext } from "../command.js";
import { gateSummary, noPositionals, print, printJson, requireTenant, storeOptions, when } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

export const reviewCommand = {
  name: "review",
  summary: "List consolidation runs waiting for review, with their gate numbers (see review show|approve|reject)",
  usage: "seal review [--tenant T] [--store <path>] [--json]",
  options: { tenant: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    noPositionals(positionals, reviewCommand.usage, `\`seal review show ${positionals[0]}\` shows a run; \`seal review approve|reject <run>\` decides it.`);
    const tenant = parseTenantOption(values.tenant);
    return withCliStore(values.store, async (store) => {
      if (tenant) requireTenant(store, tenant);
      const runs = pendingRuns(store, tenant);
      if (json) {
        printJson({ store: store.path, pending: runs.map((run) => ({ ...run, tenant: tenantLabel(run.tenant) })) });
        return 0;
      }
      if (runs.length === 0) {
        print(`No runs wait for review${tenant ? ` for ${tenantLabel(tenant)}` : ""}.`);
        return 0;
      }
      for (const run of runs) {
        print(`run ${run.runId}  ${tenantLabel(run.tenant)}  candidate v${run.candidateVersion} (from ${run.fromVersion === 0 ? "base" : `v${run.fromVersion}`})  ${run.selected} memories in ${run.units} units  ${when(run.updatedAt)}`);
        print(`  ${gateSummary(run.gate)}`);
      }
      print("");
      print("`seal review show <run>` for details; `seal review approve <run>` or `seal review reject <run> --reason \"…\"` to decide.");
      return 0;
    });
  },
} as const;
