import type { LlamaContext } from "node-llama-cpp";
import type { SealRuntime } from "../model/runtime.js";
import type { TrainProgress } from "../train/train-options.js";
import type { KiSelfEditFilter, KiSelfEditStrategy, KiSelfEditWriter } from "./ki-self-edit.js";

/** What a condition run needs: the model, a base context, retrieval, a scratch folder, and the product's self-edit plugins. */
export interface KiRunEnvironment {
  runtime: SealRuntime;
  /** A context on the base model, shared by every untrained condition. */
  baseContext: LlamaContext;
  baseModelPath: string;
  /** Top passage for a question (`rag`), with its id. */
  retrieve: (question: string) => Promise<{ id: string; text: string } | undefined>;
  /** Scratch folder for training data and adapters (files are deleted after each passage). */
  workDir: string;
  threads?: number;
  signal?: AbortSignal;
  onTrainProgress?: (progress: TrainProgress) => void;
  /** The product's writer (on `runtime`), strategy and filters: the `self` condition needs them. */
  selfEdits?: { writer: KiSelfEditWriter; strategy: KiSelfEditStrategy; filter: KiSelfEditFilter };
}
