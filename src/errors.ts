/**
 * The one error class of seal-memory. Every failure a caller can act on carries a stable `code`, a
 * `hint` saying what to do about it, and the context (paths, options) that explains it.
 * Misuse of an API (a wrong argument type) is a `TypeError` instead, as in Node itself.
 */
export type SealErrorCode =
  /** No model file at the configured path, and no route could provide one. */
  | "MODEL_NOT_FOUND"
  /** A file that should be a GGUF model is not one, or is truncated. */
  | "MODEL_CORRUPT"
  /** A valid model whose architecture the trainer cannot train (yet); `context.architecture` names it. */
  | "MODEL_UNSUPPORTED"
  /** A downloaded or cached model's sha256 is not the pinned one. */
  | "MODEL_CHECKSUM_MISMATCH"
  /** Every route to the default model failed; `context.attempts` lists them. */
  | "MODEL_PULL_FAILED"
  /** `python3` is not on PATH (needed by the offline model route). */
  | "PYTHON_MISSING"
  /** `python3 -m pip` is missing or failed. */
  | "PIP_FAILED"
  /** A file given as a LoRA adapter is missing or not a GGUF LoRA adapter. */
  | "ADAPTER_INVALID"
  /** The native build (CMake) failed or its tools are missing. */
  | "NATIVE_BUILD_FAILED"
  /** A native binary was needed but has not been built. */
  | "NATIVE_NOT_BUILT"
  /** A native binary ran and failed. */
  | "NATIVE_TOOL_FAILED"
  /** Options failed validation. */
  | "INVALID_OPTIONS"
  /** The caller's AbortSignal fired. */
  | "ABORTED"
  /** The model produced output that could not be used (e.g. unparsable under a grammar). */
  | "GENERATION_FAILED"
  /** A resource was used after it was disposed. */
  | "DISPOSED"
  /** Training data is missing, empty, malformed, or has a sequence over the limit; `context.line` says where. */
  | "TRAIN_DATA_INVALID"
  /** The training loss became NaN or infinite (learning rate too high?). No adapter was written. */
  | "TRAIN_DIVERGED"
  /** The trainer failed for another reason; `context.stderr` has its log. */
  | "TRAIN_FAILED"
  /** The output folder does not exist or cannot be written. */
  | "OUTPUT_UNWRITABLE"
  /** The memory database could not be opened or written (`context.path`). */
  | "STORE_UNAVAILABLE"
  /** An applied migration file changed since it was applied (`context.file`); the store refuses to start. */
  | "MIGRATION_CHANGED"
  /** A migration failed to apply; nothing of it was kept. */
  | "MIGRATION_FAILED"
  /** A memory's text is empty, over the size limit, or not valid UTF-8. */
  | "MEMORY_INVALID"
  /** No tenant was given, or the namespace is malformed. */
  | "TENANT_INVALID"
  /** A namespace (tenant) that does not exist was named where one must exist. */
  | "TENANT_NOT_FOUND"
  /** A memory id that does not exist in this tenant. */
  | "MEMORY_NOT_FOUND"
  /** The embedder returned vectors of the wrong size or count. */
  | "EMBEDDING_FAILED"
  /** A benchmark data file is unreadable, has a malformed line or a passage without questions, or
   * lacks a writer a condition names; `context.line` says where. */
  | "BENCH_DATA_INVALID"
  /** The output file already exists and replacing it was not asked for (`overwrite: true`, `--force`). */
  | "OUTPUT_EXISTS"
  /** A self-edit writer (the student, a teacher model, an OpenAI-compatible endpoint) failed or is unreachable. */
  | "WRITER_FAILED"
  /** Another process holds this tenant's consolidation lease (`context.owner`); one run per tenant at a time. */
  | "CONSOLIDATION_BUSY"
  /** No consolidation run with that id (in that tenant). */
  | "RUN_NOT_FOUND"
  /** The run is not in a state that allows this (e.g. approving a rejected run); `context.state` says which. */
  | "RUN_STATE_INVALID"
  /** An adapter file is missing or its sha256 is not the one recorded for it. */
  | "ADAPTER_CHECKSUM_MISMATCH"
  /** No adapter version to use (e.g. a rollback with no earlier version). */
  | "VERSION_NOT_FOUND"
  /** A consolidation schedule's cron expression is invalid (`context.errors` says which field). */
  | "SCHEDULE_INVALID";

const marker = Symbol.for("seal-memory.error");

export interface SealErrorOptions {
  /** What the user can do about it. Printed by the CLI under the message. */
  hint?: string;
  /** Values that explain the failure (paths, option values, attempts). Must be JSON-serialisable. */
  context?: Record<string, unknown>;
  cause?: unknown;
}

export class SealError extends Error {
  override readonly name = "SealError";
  readonly code: SealErrorCode;
  readonly hint: string | undefined;
  readonly context: Record<string, unknown>;
  private readonly [marker] = true;

  constructor(code: SealErrorCode, message: string, options: SealErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.context = options.context ?? {};
  }

  /** True for a SealError from any copy of this package (instanceof fails across duplicates). */
  static isInstance(value: unknown): value is SealError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint, context: this.context };
  }
}

/** Turns an aborted signal into the coded error; call at the points where long work can stop. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SealError("ABORTED", "The operation was aborted", { cause: signal.reason });
  }
}
