import { parseOptions } from "../config/parse-options.js";
import { SealError } from "../errors.js";
import type { MemoryStore } from "../memory/memory-store.js";
import type { SealRuntime } from "../model/runtime.js";
import { activeVersion, getVersion } from "../store/adapter-versions.js";
import { runCounts } from "./run-report.js";
import { getRun, insertRun, runningRun, updateRun, type RunRow, type RunStage, type RunState } from "../store/consolidation-runs.js";
import { findTenantId, namespaceKey, type Namespace } from "../store/tenants.js";
import { clearQueuedRetrain, queuedRetrain } from "../store/consolidation-forget.js";
import { writeTransaction } from "../store/write-transaction.js";
import { adapterRootOf, tenantAdapterDir } from "../memory/adapter-files.js";
import { consolidationSettingsSchema, type ConsolidationSettings, type ConsolidationSettingsInput } from "./consolidation-settings.js";
import { approveRun } from "./decisions.js";
import { defaultConsolidationPlugins } from "./default-plugins.js";
import type { SelectionPolicy, SelfEditStrategy, SelfEditWriter } from "./plugin-types.js";
import type { ConsolidationProgress, RunContext } from "./run-context.js";
import { gateStage } from "./stages/gate-stage.js";
import type { GateReport } from "./gate/gate-verdict.js";
import { probeStage } from "./stages/probe-stage.js";
import { selectStage } from "./stages/select-stage.js";
import { trainStage } from "./stages/train-stage.js";
import { writeStage } from "./stages/write-stage.js";
import { TenantLease } from "./tenant-lease.js";
import type { TrainControl } from "../train/train-adapter.js";
import { createWriter } from "./writers/create-writer.js";

export interface ConsolidateOptions {
  /** Settings of a new run (a resumed run keeps the settings it started with). */
  settings?: ConsolidationSettingsInput;
  /** Defaults to the built-in `durableSelection()`. */
  selection?: SelectionPolicy;
  /** Strategies by name. Defaults to the built-ins (implications, rewrite, qa, text). */
  strategies?: Readonly<Record<string, SelfEditStrategy>>;
  /** Overrides `settings.writer` (e.g. a writer of your own). */
  writer?: SelfEditWriter;
  /** Select and probe only, then stop: nothing is trained. */
  dryRun?: boolean;
  /** Lease owner name (defaults to host:pid:random). */
  owner?: string;
  /** A lease not renewed for this long may be taken over by another process. Defaults to 10 minutes. */
  leaseTtlMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ConsolidationProgress) => void;
  /** Progress of the native trainer's build on first use (see trainAdapter). */
  onNativeBuild?: TrainControl["onNativeBuild"];
  now?: () => number;
}

export interface ConsolidationResult {
  runId: number;
  state: RunState;
  stage: RunStage;
  /** The run was found unfinished (killed) and resumed. */
  resumed: boolean;
  selected: number;
  units: number;
  probes: number;
  selfEdits: { kept: number; dropped: number };
  gate?: GateReport;
  /** The candidate's version number, once trained. */
  version?: number;
  /** What the trainer did for the candidate. */
  training?: { examples: number; steps: number; tokens: number; firstLoss: number; finalLoss: number; replayedUnits: number };
  /** Seconds spent in each stage by this call. */
  seconds: Partial<Record<RunStage, number>>;
}

/**
 * Runs (or resumes) a consolidation of one tenant through its stages: select, probe, write,
 * train, gate, then review. It stops at `pending` for a person's decision unless the settings ask
 * for the `auto` review policy. Every stage commits its rows before the next begins, so a process
 * killed at any point resumes here, under a lease that keeps two runs of a tenant apart.
 */
export async function consolidate(store: MemoryStore, runtime: SealRuntime, namespace: Namespace, options: ConsolidateOptions = {}): Promise<ConsolidationResult> {
  const key = namespaceKey(namespace);
  const now = options.now ?? Date.now;
  const tenantId = findTenantId(store.db, namespace);
  if (tenantId === undefined) throw new SealError("TENANT_NOT_FOUND", `No memories have been stored for namespace "${key}"`, { hint: "`seal memories import` or the middleware stores memories first.", context: { namespace: key } });
  const requested = parseOptions(consolidationSettingsSchema, options.settings ?? {}, "consolidate settings");
  // Checked before anything is stored: a replaced model file, or a writer that cannot write, would
  // stop the run half-way. The writer is the one of the run to resume, if there is one.
  await runtime.assertModelFileUnchanged();
  const unfinished = runningRun(store.db, tenantId);
  const writerSpec = unfinished ? parseOptions(consolidationSettingsSchema, JSON.parse(unfinished.settings_json), "stored run settings").writer : requested.writer;
  const writer = options.writer ?? createWriter(writerSpec, runtime);
  const ownWriter = options.writer ? undefined : writer; // disposed here; a writer passed in is the caller's
  let lease: TenantLease | undefined;
  try {
    if (options.dryRun !== true) await writer.check?.(options.signal);
    lease = TenantLease.take(store.db, tenantId, { ...(options.owner ? { owner: options.owner } : {}), ttlMs: options.leaseTtlMs ?? 10 * 60_000, now, namespace: key });
    const held = lease;
    const { run, resumed } = openRun(store, tenantId, requested, options.dryRun === true, now);
    held.attach(run.id);
    const settings = parseOptions(consolidationSettingsSchema, JSON.parse(run.settings_json), "stored run settings");
    const defaults = options.selection && options.strategies ? undefined : defaultConsolidationPlugins();
    const adapterRoot = adapterRootOf(store.path);
    const ctx: RunContext = {
      db: store.db,
      store,
      runtime,
      namespace,
      tenantId,
      runId: run.id,
      settings,
      selection: options.selection ?? (defaults as NonNullable<typeof defaults>).selection,
      strategies: new Map(Object.entries(options.strategies ?? (defaults as NonNullable<typeof defaults>).strategies)),
      writer,
      adapterDir: tenantAdapterDir(adapterRoot, tenantId),
      adapterRoot,
      now,
      signal: options.signal,
      progress: (event) => options.onProgress?.({ runId: run.id, ...event }),
      ...(options.onNativeBuild ? { onNativeBuild: options.onNativeBuild } : {}),
      heartbeat: () => held.beat(),
      run: () => getRun(store.db, run.id) as RunRow,
    };
    const result: ConsolidationResult = { runId: run.id, state: "running", stage: run.stage, resumed, selected: 0, units: 0, probes: 0, selfEdits: { kept: 0, dropped: 0 }, seconds: {} };
    await runStages(ctx, result, options.dryRun === true);
    return summarize(ctx, result);
  } finally {
    await ownWriter?.dispose?.();
    lease?.release();
  }
}

function openRun(store: MemoryStore, tenantId: number, settings: ConsolidationSettings, dryRun: boolean, now: () => number): { run: RunRow; resumed: boolean } {
  return writeTransaction(store.db, () => {
    const existing = runningRun(store.db, tenantId);
    if (existing) {
      if (dryRun) throw new SealError("RUN_STATE_INVALID", `Run ${existing.id} of this tenant is unfinished; a dry run would not show what it does`, { hint: "Resume it with `seal consolidate` first.", context: { runId: existing.id } });
      return { run: existing, resumed: true };
    }
    // A forgotten memory queued a full retrain: this run is it, whatever the settings say.
    const runSettings: ConsolidationSettings = queuedRetrain(store.db, tenantId) ? { ...settings, mode: "full" } : settings;
    const id = insertRun(store.db, { tenantId, mode: runSettings.mode, settingsJson: JSON.stringify(runSettings), fromVersionId: activeVersion(store.db, tenantId)?.id ?? null, now: now() });
    return { run: getRun(store.db, id) as RunRow, resumed: false };
  });
}

async function runStages(ctx: RunContext, result: ConsolidationResult, dryRun: boolean): Promise<void> {
  for (;;) {
    const run = ctx.run();
    if (run.state !== "running") return;
    if (ctx.signal?.aborted) throw new SealError("ABORTED", `Consolidation run ${run.id} stopped at stage ${run.stage}; run it again to resume`, { context: { runId: run.id, stage: run.stage } });
    const started = performance.now();
    switch (run.stage) {
      case "select":
        selectStage(ctx);
        // Nothing left to train after a forget: the base model is what the tenant is owed.
        if (ctx.run().state === "empty" && ctx.settings.mode === "full") writeTransaction(ctx.db, () => clearQueuedRetrain(ctx.db, ctx.tenantId));
        break;
      case "probe":
        await probeStage(ctx);
        if (dryRun) writeTransaction(ctx.db, () => updateRun(ctx.db, run.id, { state: "dry-run", stage: "done", finishedAt: ctx.now() }, ctx.now()));
        break;
      case "write":
        await writeStage(ctx);
        break;
      case "train":
        await trainStage(ctx);
        break;
      case "gate":
        await gateStage(ctx);
        break;
      case "review":
        // Pending first: a crash before the auto-approval leaves it waiting for a person, never served undecided.
        writeTransaction(ctx.db, () => updateRun(ctx.db, run.id, { state: "pending" }, ctx.now()));
        if (ctx.settings.review === "auto") approveRun(ctx.db, run.id, { actor: "auto", now: ctx.now() });
        break;
      case "activate":
      case "done":
        writeTransaction(ctx.db, () => updateRun(ctx.db, run.id, { state: "failed", error: `run left running at stage ${run.stage}` }, ctx.now()));
        return;
    }
    result.seconds[run.stage] = (result.seconds[run.stage] ?? 0) + (performance.now() - started) / 1000;
  }
}

/** The run's figures, read back from what was committed (so a resumed run reports all of it). */
function summarize(ctx: RunContext, result: ConsolidationResult): ConsolidationResult {
  const run = ctx.run();
  const counts = runCounts(ctx.db, run.id);
  const candidate = run.candidate_version_id === null ? undefined : getVersion(ctx.db, run.candidate_version_id);
  const trained = candidate ? (JSON.parse(candidate.settings_json) as NonNullable<ConsolidationResult["training"]>) : undefined;
  return {
    ...result,
    state: run.state,
    stage: run.stage,
    selected: counts.selected,
    units: counts.units,
    probes: counts.probes,
    selfEdits: counts.selfEdits,
    ...(run.gate_json ? { gate: JSON.parse(run.gate_json) as GateReport } : {}),
    ...(candidate ? { version: candidate.version } : {}),
    ...(trained ? { training: { examples: trained.examples, steps: trained.steps, tokens: trained.tokens, firstLoss: trained.firstLoss, finalLoss: trained.finalLoss, replayedUnits: trained.replayedUnits } } : {}),
  };
}
