import cron from "node-cron";
import { SealError } from "../errors.js";
import type { MemoryStore } from "../memory/memory-store.js";
import type { SealRuntime } from "../model/runtime.js";
import { listRuns } from "../store/consolidation-runs.js";
import { tenantsWithActiveMemories } from "../store/consolidation-views.js";
import { readSetting, writeSetting } from "../store/store-settings.js";
import { findTenantId, namespaceKey, type Namespace } from "../store/tenants.js";
import { consolidate, type ConsolidateOptions } from "./consolidate.js";

export interface ConsolidationScheduleOptions {
  /** A cron expression (node-cron: 5 fields, or 6 with seconds first), e.g. "0 3 * * *" for 03:00 daily. */
  cron: string;
  /** The tenants to consolidate at each tick; default: every tenant with active memories at that tick. */
  tenants?: readonly Namespace[];
  /** IANA time zone of the expression (default: the machine's). */
  timezone?: string;
  /** How each run is made (settings, plugins, lease ttl); the schedule supplies the signal. */
  consolidate?: Omit<ConsolidateOptions, "signal" | "dryRun">;
  /** Run one tick at start when a tick fell due while no scheduler of this expression was running (default true). */
  catchUp?: boolean;
  /** Stops the schedule; a tick under way stops at its run's next step and is resumed by the next start. */
  signal?: AbortSignal;
  /** What each tick did, as it happens (the CLI prints these lines). */
  onEvent?: (event: ScheduleEvent) => void;
  now?: () => number;
}

/** Why a tenant was or was not consolidated at a tick. */
export type TenantTickOutcome =
  | { tenant: string; outcome: "consolidated"; runId: number; state: string; resumed: boolean; version?: number; failures?: string[] }
  | { tenant: string; outcome: "waiting-for-review"; runId: number }
  | { tenant: string; outcome: "leased"; owner: string }
  | { tenant: string; outcome: "error"; code: string; message: string };

export type ScheduleEvent =
  | { kind: "started"; cron: string; next: string | null }
  | { kind: "missed"; due: string }
  | { kind: "tick"; reason: "scheduled" | "missed"; at: string; tenants: number }
  | ({ kind: "tenant" } & TenantTickOutcome)
  | { kind: "tick-done"; at: string; seconds: number; next: string | null }
  | { kind: "overlap"; at: string }
  | { kind: "tick-failed"; at: string; message: string }
  | { kind: "stopped"; at: string };

export interface ConsolidationSchedule {
  /** When the next tick is due (null once stopped). */
  nextRun(): Date | null;
  /** Ticks completed by this process. */
  readonly ticks: number;
  /** Stops: no new tick starts, and one under way ends at its run's next step. Resolves when it has. */
  stop(): Promise<void>;
  /** Resolves when the schedule has stopped (by `stop()` or the signal). */
  readonly stopped: Promise<void>;
}

/** A cron expression's (and time zone's) problems as a coded error, before anything starts. */
export function assertCronExpression(expression: string, timezone?: string): void {
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: timezone });
    } catch {
      throw new SealError("SCHEDULE_INVALID", `Unknown time zone "${timezone}"`, { hint: 'An IANA time zone name, e.g. "Europe/Paris" or "UTC".', context: { timezone } });
    }
  }
  const checked = typeof expression === "string" ? cron.validateDetailed(expression) : { valid: false, errors: [] };
  if (checked.valid) return;
  const problems = checked.errors.map((error) => `${error.field}${error.value === undefined ? "" : ` "${error.value}"`}: ${error.message}`);
  throw new SealError("SCHEDULE_INVALID", `Invalid cron expression "${expression}"${problems.length ? `: ${problems.join("; ")}` : ""}`, {
    hint: 'Five fields (minute hour day-of-month month day-of-week), or six with seconds first: "0 3 * * *" is 03:00 every day.',
    context: { cron: expression, errors: checked.errors },
  });
}

/**
 * Consolidates the store's tenants at every tick of a cron expression (node-cron), in this
 * process, until stopped. Two runs of one tenant never overlap: within the process a tick that
 * is still running makes the next one skip, and across processes the tenant's lease does (a
 * leased tenant is skipped and said so). A tenant whose candidate awaits review is skipped: a
 * second candidate would be trained on the same version. The due time of the next tick is kept in
 * the store, so a tick missed while no scheduler ran is run at start.
 */
export function startConsolidationSchedule(store: MemoryStore, runtime: SealRuntime, options: ConsolidationScheduleOptions): ConsolidationSchedule {
  assertCronExpression(options.cron, options.timezone);
  const now = options.now ?? Date.now;
  const emit = (event: ScheduleEvent) => options.onEvent?.(event);
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const dueKey = `schedule.next-due:${options.timezone ?? "local"}:${options.cron}`;
  let ticks = 0;
  let current: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  // node-cron's own log lines (an overlap warning per skipped tick) are replaced by our events.
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const task = cron.createTask(options.cron, () => runTick("scheduled"), { noOverlap: true, logger: quiet, ...(options.timezone ? { timezone: options.timezone } : {}) });
  task.on("execution:overlap", () => emit({ kind: "overlap", at: new Date(now()).toISOString() }));
  const recordNextDue = () => {
    const next = task.getNextRun();
    if (next) writeSetting(store.db, dueKey, next.toISOString());
    return next;
  };

  async function runTick(reason: "scheduled" | "missed"): Promise<void> {
    if (controller.signal.aborted) return;
    // The missed tick runs outside node-cron, so its own no-overlap rule does not cover it.
    if (current) {
      emit({ kind: "overlap", at: new Date(now()).toISOString() });
      return;
    }
    const work = tick(reason);
    current = work;
    try {
      await work;
    } catch (error) {
      // A tick that failed as a whole (the store closed under it): said, and the next tick tries again.
      emit({ kind: "tick-failed", at: new Date(now()).toISOString(), message: (error as Error).message });
    } finally {
      current = undefined;
    }
  }

  async function tick(reason: "scheduled" | "missed"): Promise<void> {
    const started = now();
    const namespaces = options.tenants ?? tenantsWithActiveMemories(store.db).map((row) => row.namespace.split("/"));
    emit({ kind: "tick", reason, at: new Date(started).toISOString(), tenants: namespaces.length });
    for (const namespace of namespaces) {
      if (controller.signal.aborted) break;
      const outcome = await consolidateTenant(namespace);
      if (outcome) emit({ kind: "tenant", ...outcome });
    }
    ticks++;
    const next = controller.signal.aborted ? null : recordNextDue();
    emit({ kind: "tick-done", at: new Date(now()).toISOString(), seconds: (now() - started) / 1000, next: next?.toISOString() ?? null });
  }

  async function consolidateTenant(namespace: Namespace): Promise<TenantTickOutcome | undefined> {
    const tenant = namespaceKey(namespace);
    const tenantId = findTenantId(store.db, namespace);
    if (tenantId === undefined) return { tenant, outcome: "error", code: "TENANT_NOT_FOUND", message: `No memories have been stored for "${tenant}"` };
    const pending = listRuns(store.db, { tenantId, state: "pending", limit: 1 })[0];
    if (pending) return { tenant, outcome: "waiting-for-review", runId: pending.id };
    try {
      const result = await consolidate(store, runtime, namespace, { ...options.consolidate, signal: controller.signal });
      return { tenant, outcome: "consolidated", runId: result.runId, state: result.state, resumed: result.resumed, ...(result.version ? { version: result.version } : {}), ...(result.gate?.failures.length ? { failures: result.gate.failures } : {}) };
    } catch (error) {
      if (SealError.isInstance(error) && error.code === "ABORTED") return undefined; // stopping: the run resumes at the next start
      if (SealError.isInstance(error) && error.code === "CONSOLIDATION_BUSY") return { tenant, outcome: "leased", owner: String(error.context?.owner ?? "another process") };
      // One tenant's failure (a teacher that is down, a bug) stops neither the others nor the next
      // tick: a long-lived scheduler says what failed and goes on.
      return { tenant, outcome: "error", code: SealError.isInstance(error) ? error.code : (error as Error).name, message: (error as Error).message };
    }
  }

  let stopping: Promise<void> | undefined;
  let stopRequested = false;
  function stop(): Promise<void> {
    // Aborting below calls this again (the abort listener) before `stopping` is assigned: a flag.
    if (stopRequested) return stopping ?? Promise.resolve();
    stopRequested = true;
    stopping = (async () => {
      if (!controller.signal.aborted) controller.abort(new SealError("ABORTED", "The schedule was stopped"));
      await task.destroy();
      await current?.catch(() => undefined);
      options.signal?.removeEventListener("abort", onAbort);
      emit({ kind: "stopped", at: new Date(now()).toISOString() });
      resolveStopped();
    })();
    return stopping;
  }
  controller.signal.addEventListener("abort", () => void stop(), { once: true });

  // The tick that fell due while nothing ran, first; then the expression's own ticks.
  const due = readSetting(store.db, dueKey);
  void task.start();
  emit({ kind: "started", cron: options.cron, next: task.getNextRun()?.toISOString() ?? null });
  if (due !== undefined && Date.parse(due) <= now() && options.catchUp !== false) {
    emit({ kind: "missed", due });
    void runTick("missed");
  } else recordNextDue();
  if (options.signal?.aborted) onAbort();

  return {
    nextRun: () => (controller.signal.aborted ? null : task.getNextRun()),
    get ticks() {
      return ticks;
    },
    stop,
    stopped,
  };
}
