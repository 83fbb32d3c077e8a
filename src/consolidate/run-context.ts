import type Database from "better-sqlite3";
import type { MemoryStore } from "../memory/memory-store.js";
import type { SealRuntime } from "../model/runtime.js";
import type { RunRow, RunStage } from "../store/consolidation-runs.js";
import type { Namespace } from "../store/tenants.js";
import type { TrainControl } from "../train/train-adapter.js";
import type { ConsolidationSettings } from "./consolidation-settings.js";
import type { SelectionPolicy, SelfEditStrategy, SelfEditWriter } from "./plugin-types.js";

/** Progress of a run: a stage and how far it is. */
export interface ConsolidationProgress {
  runId: number;
  stage: RunStage;
  done: number;
  total: number;
  message?: string;
}

/** Everything a stage needs. Stages read what earlier stages committed from `db`, never from memory. */
export interface RunContext {
  db: Database.Database;
  store: MemoryStore;
  runtime: SealRuntime;
  namespace: Namespace;
  tenantId: number;
  runId: number;
  settings: ConsolidationSettings;
  selection: SelectionPolicy;
  strategies: ReadonlyMap<string, SelfEditStrategy>;
  writer: SelfEditWriter;
  /** The tenant's adapter folder. */
  adapterDir: string;
  /** The folder of every tenant's adapters (file names in rows are relative to it). */
  adapterRoot: string;
  now: () => number;
  signal: AbortSignal | undefined;
  progress: (event: Omit<ConsolidationProgress, "runId">) => void;
  /** Renews the lease; throws CONSOLIDATION_BUSY if another process took it over. */
  heartbeat: () => void;
  run: () => RunRow;
  onNativeBuild?: TrainControl["onNativeBuild"];
}
