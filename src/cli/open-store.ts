import fs from "node:fs";
import path from "node:path";
import { resolveStorePath } from "../config/paths.js";
import { SealError } from "../errors.js";
import { MemoryStore } from "../memory/memory-store.js";
import type { UpdateRules } from "../memory/update-rules.js";
import { EMBEDDING_MODEL } from "../model/embedding-model.js";
import { openDatabase } from "../store/database.js";
import type { TextEmbedder } from "../vector/embedder.js";
import { HashingEmbedder } from "../vector/hashing-embedder.js";

export interface OpenCliStoreOptions {
  /** Create the store when its file does not exist (only `seal memories import` does). */
  create?: boolean;
  /**
   * The command writes memories: the store uses the default update rules, so the command must have
   * imported the package entry (`await import("../../index.js")`) first. Otherwise the store gets
   * rules that refuse to be used, and nothing heavy is loaded.
   */
  writes?: boolean;
  /** Load and check the embedding model before the store is opened (a command that embeds at once). */
  warmEmbedder?: boolean;
  signal?: AbortSignal;
}

/** Where the store path came from, for messages. */
function storeSource(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return "--store";
  if (env.SEAL_STORE) return "SEAL_STORE";
  return "the default location";
}

const STORE_HINT = "Name the store with --store <path> or SEAL_STORE=<path> (default: $XDG_DATA_HOME/seal-memory/memory.db, else ~/.local/share/seal-memory/memory.db); `seal memories import <chat.jsonl> --tenant T` creates one.";

/**
 * Opens the memory store a CLI command names (`--store`, `SEAL_STORE`, or the default path) with
 * the embedder the store records: `hashing:N` -> HashingEmbedder of N dimensions, `llama:*` -> the
 * default embedding model (or `SEAL_EMBEDDING_MODEL`), loaded only when something is embedded. A
 * new store (only with `create`) records the default embedding model. A store that does not
 * exist is STORE_UNAVAILABLE with a hint naming --store and SEAL_STORE.
 */
export async function openCliStore(flag: string | boolean | undefined, options: OpenCliStoreOptions = {}): Promise<MemoryStore> {
  const env = process.env;
  const given = typeof flag === "string" ? flag : undefined;
  if (flag !== undefined && !given) throw new SealError("INVALID_OPTIONS", "--store needs a path", { hint: STORE_HINT });
  const storePath = resolveStorePath(given, env);
  const source = storeSource(given, env);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(storePath);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) throw new SealError("STORE_UNAVAILABLE", `The memory store path ${storePath} (from ${source}) is a folder, not a database file`, { hint: STORE_HINT, context: { path: storePath, source } });
  if (!stat && !options.create) throw new SealError("STORE_UNAVAILABLE", `No memory store at ${storePath} (from ${source})`, { hint: STORE_HINT, context: { path: storePath, source } });

  const recorded = stat ? recordedEmbedder(storePath, source) : undefined;
  const embedder = embedderFor(recorded, storePath);
  // The store records `<id>:<dims>` on open: a model whose size is not known yet is loaded first.
  if (embedder instanceof LazyLlamaEmbedder && (options.warmEmbedder || !embedder.sizeKnown)) await embedder.load(options.signal);
  try {
    return MemoryStore.open({ path: storePath, embedder, ...(options.writes ? {} : { rules: readOnlyRules }) });
  } catch (error) {
    if (SealError.isInstance(error) && error.code === "STORE_UNAVAILABLE" && !error.hint) {
      throw new SealError("STORE_UNAVAILABLE", error.message, { hint: STORE_HINT, context: { ...error.context, source }, cause: error });
    }
    throw error;
  }
}

/**
 * Opens the store as openCliStore does, runs `use` with it, and closes it however `use` ends: the
 * one place that guarantees a command's store is closed on every path, errors and aborts included.
 * A store that cannot be opened throws before `use` runs.
 */
export async function withCliStore<T>(flag: string | boolean | undefined, use: (store: MemoryStore) => Promise<T>): Promise<T>;
export async function withCliStore<T>(flag: string | boolean | undefined, options: OpenCliStoreOptions, use: (store: MemoryStore) => Promise<T>): Promise<T>;
export async function withCliStore<T>(
  flag: string | boolean | undefined,
  optionsOrUse: OpenCliStoreOptions | ((store: MemoryStore) => Promise<T>),
  maybeUse?: (store: MemoryStore) => Promise<T>,
): Promise<T> {
  const [options, use] = typeof optionsOrUse === "function" ? [{}, optionsOrUse] : [optionsOrUse, maybeUse as (store: MemoryStore) => Promise<T>];
  const store = await openCliStore(flag, options);
  try {
    return await use(store);
  } finally {
    store.close();
  }
}

/** The `embedder` value in store_settings (`<id>:<dims>`), undefined for a store nothing was written to. */
function recordedEmbedder(storePath: string, source: string): string | undefined {
  let db;
  try {
    db = openDatabase(storePath);
  } catch (error) {
    if (SealError.isInstance(error) && error.code === "STORE_UNAVAILABLE") {
      throw new SealError("STORE_UNAVAILABLE", `${error.message} (from ${source}); is it a seal-memory store?`, { hint: STORE_HINT, context: { ...error.context, source }, cause: error });
    }
    throw error;
  }
  try {
    return db.prepare("SELECT value FROM store_settings WHERE name = 'embedder'").pluck().get() as string | undefined;
  } finally {
    db.close();
  }
}

/** The id the default embedding model gets (`llama:<file name without .gguf>`), `SEAL_EMBEDDING_MODEL` included. */
function defaultEmbedderId(): string {
  const file = process.env.SEAL_EMBEDDING_MODEL || EMBEDDING_MODEL.fileName;
  return `llama:${path.basename(file, ".gguf")}`;
}

function embedderFor(recorded: string | undefined, storePath: string): TextEmbedder {
  if (recorded === undefined) {
    // A new store: the default embedding model. Its size is known without loading it, unless
    // SEAL_EMBEDDING_MODEL names another model (then the load tells).
    return new LazyLlamaEmbedder(defaultEmbedderId(), process.env.SEAL_EMBEDDING_MODEL ? undefined : EMBEDDING_MODEL.dims);
  }
  const split = recorded.lastIndexOf(":");
  const id = recorded.slice(0, split);
  const dims = Number(recorded.slice(split + 1));
  if (split > 0 && Number.isInteger(dims) && dims > 0) {
    if (/^hashing:\d+$/.test(id) && id === `hashing:${dims}`) return new HashingEmbedder({ dims });
    if (id.startsWith("llama:")) return new LazyLlamaEmbedder(id, dims);
  }
  throw new SealError("STORE_UNAVAILABLE", `The memory store at ${storePath} was written with embedder "${recorded}", which the CLI cannot load`, {
    hint: "The CLI opens stores written with the hashing embedder or a llama embedding model; open this one from code with the embedder that wrote it.",
    context: { path: storePath, embedder: recorded },
  });
}

/**
 * A LlamaEmbedder on the default embedding model (`ensureEmbeddingModel`, so `SEAL_EMBEDDING_MODEL`
 * counts), loaded on the first embed: a command that only reads rows never loads a model. The
 * loaded model must be the one the store records.
 */
class LazyLlamaEmbedder implements TextEmbedder {
  private loading: Promise<TextEmbedder> | undefined;
  private loaded: TextEmbedder | undefined;

  constructor(
    readonly id: string,
    private readonly knownDims: number | undefined,
  ) {}

  get dims(): number {
    return this.loaded?.dims ?? this.knownDims ?? EMBEDDING_MODEL.dims;
  }

  /** False for a new store's model named by SEAL_EMBEDDING_MODEL, until it is loaded. */
  get sizeKnown(): boolean {
    return this.knownDims !== undefined || this.loaded !== undefined;
  }

  async load(signal?: AbortSignal): Promise<TextEmbedder> {
    this.loading ??= (async () => {
      const mismatch = (found: string) =>
        new SealError("INVALID_OPTIONS", `The memory store was written with embedder ${this.id}:${this.dims}; the embedding model found is ${found}`, {
          hint: `Set SEAL_EMBEDDING_MODEL to the GGUF the store was written with (${this.id.slice("llama:".length)}.gguf), or unset it for the default model.`,
          context: { recorded: `${this.id}:${this.dims}`, found },
        });
      // The model's id is its file name: a wrong one is known before anything loads.
      if (defaultEmbedderId() !== this.id) throw mismatch(defaultEmbedderId());
      const { LlamaEmbedder } = await import("../vector/llama-embedder.js");
      const real = await LlamaEmbedder.loadDefault(signal ? { signal } : {});
      if (real.id !== this.id || (this.knownDims !== undefined && real.dims !== this.knownDims)) throw mismatch(`${real.id}:${real.dims}`);
      this.loaded = real;
      return real;
    })();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const real = await this.load(options.signal);
    return real.embed(texts, options);
  }
}

/** The rules of a store opened by a command that does not write memories: any use is a bug. */
const readOnlyRules: UpdateRules = {
  name: "read-only",
  subjectOf() {
    throw new Error("seal CLI: this command opened the store read-only, without update rules");
  },
  decide() {
    throw new Error("seal CLI: this command opened the store read-only, without update rules");
  },
};
