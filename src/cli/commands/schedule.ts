import { SealError } from "../../errors.js";
import type { ScheduleEvent } from "../../consolidate/schedule.js";
import type { Namespace } from "../../store/tenants.js";
import type { CommandContext } from "../command.js";
import { noPositionals, print, storeOptions } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption } from "../tenant-option.js";
import { consolidateCommand, settingsFromFlags } from "./consolidate.js";

const { tenant: _tenant, "dry-run": _dryRun, ...settingFlags } = consolidateCommand.options;

export const scheduleCommand = {
  name: "schedule",
  summary: "Consolidate on a cron schedule, in this process, until SIGINT/SIGTERM (a missed tick runs at start; a leased tenant is skipped)",
  usage:
    'seal schedule --cron "0 3 * * *" [--tenants a,b/agent] [--timezone Europe/Paris] [--no-catch-up] [--lr X] [--epochs N] [--strategies a,b] [--review manual|auto] [--settings <file.json>|\'{…}\'] [--store <path>] [--json]',
  options: {
    ...settingFlags,
    cron: { type: "string" },
    tenants: { type: "string" },
    timezone: { type: "string" },
    "no-catch-up": { type: "boolean" },
    ...storeOptions,
  },
  async run({ values, positionals, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    noPositionals(positionals, scheduleCommand.usage);
    if (typeof values.cron !== "string" || !values.cron.trim()) throw new SealError("SCHEDULE_INVALID", "seal schedule needs --cron", { hint: `usage: ${scheduleCommand.usage}` });
    const seal = await import("../../index.js");
    // Everything that can be refused is refused before the model loads.
    seal.assertCronExpression(values.cron, typeof values.timezone === "string" ? values.timezone : undefined);
    const settings = settingsFromFlags(values);
    const tenants: Namespace[] | undefined =
      typeof values.tenants === "string" ? values.tenants.split(",").map((name) => name.trim()).filter(Boolean).map((name) => parseTenantOption(name) as Namespace) : undefined;
    if (tenants?.length === 0) throw new SealError("TENANT_INVALID", "--tenants needs at least one tenant", { hint: `usage: ${scheduleCommand.usage}` });
    return withCliStore(values.store, { writes: true, signal }, async (store) => {
      const model = await seal.ensureModel({}, { signal });
      const runtime = await seal.SealRuntime.load({ modelPath: model.path }, { signal });
      try {
        const schedule = seal.startConsolidationSchedule(store, runtime, {
          cron: values.cron as string,
          ...(tenants ? { tenants } : {}),
          ...(typeof values.timezone === "string" ? { timezone: values.timezone } : {}),
          catchUp: values["no-catch-up"] !== true,
          consolidate: { settings },
          signal,
          onEvent: (event) => (json ? process.stdout.write(`${JSON.stringify(event)}\n`) : print(describe(event))),
        });
        await schedule.stopped;
        return 0;
      } finally {
        await runtime.dispose();
      }
    });
  },
} as const;

/** One log line per event: when, and what the tick did for each tenant. */
function describe(event: ScheduleEvent): string {
  switch (event.kind) {
    case "started":
      return `schedule "${event.cron}" started; next tick ${event.next ?? "never"}`;
    case "missed":
      return `a tick was due at ${event.due} while no scheduler ran: running it now`;
    case "tick":
      return `${event.at} tick (${event.reason}): ${event.tenants} tenant${event.tenants === 1 ? "" : "s"}`;
    case "tenant":
      switch (event.outcome) {
        case "consolidated":
          return `  ${event.tenant}: run ${event.runId} ${event.state}${event.resumed ? " (resumed)" : ""}${event.version ? `, candidate v${event.version}` : ""}${event.failures ? ` (${event.failures.join("; ")})` : ""}`;
        case "waiting-for-review":
          return `  ${event.tenant}: skipped, run ${event.runId} waits for review (\`seal review show ${event.runId}\`)`;
        case "leased":
          return `  ${event.tenant}: skipped, another process is consolidating it (${event.owner})`;
        case "error":
          return `  ${event.tenant}: error ${event.code}: ${event.message}`;
      }
      return "";
    case "tick-done":
      return `${event.at} tick done in ${event.seconds.toFixed(1)} s; next ${event.next ?? "none (stopping)"}`;
    case "tick-failed":
      return `${event.at} tick failed: ${event.message}`;
    case "overlap":
      return `${event.at} tick skipped: the previous one is still running`;
    case "stopped":
      return `${event.at} schedule stopped; an interrupted run resumes at the next start`;
  }
}
