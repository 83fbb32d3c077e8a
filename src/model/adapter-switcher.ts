import { SealError } from "../errors.js";
import { adapterSetKey, type AdapterSpec } from "./adapter-spec.js";

/** Anything that can be disposed: a llama.cpp context in production, a plain object in unit tests. */
export interface Disposable {
  dispose(): Promise<void>;
}

/** Identity of an adapter file when it was first loaded, to catch files rewritten in place. */
export interface AdapterFileIdentity {
  sizeBytes: number;
  modifiedMs: number;
}

export interface AdapterSwitcherOptions<Context extends Disposable> {
  createContext: (adapters: readonly AdapterSpec[]) => Promise<Context>;
  identifyFile: (filePath: string) => Promise<AdapterFileIdentity>;
  /** Adapters for the first context, created on first use (so a bad file fails that call, loudly). Defaults to none. */
  initialAdapters?: readonly AdapterSpec[];
}

export interface ContextLease<Context> {
  context: Context;
  adapters: readonly AdapterSpec[];
  /** Increments on every switch; tells callers which generation of the context they hold. */
  generation: number;
  release(): Promise<void>;
}

interface Slot<Context> {
  context: Context;
  adapters: readonly AdapterSpec[];
  generation: number;
  leases: number;
  retired: boolean;
}

/**
 * Keeps one "active" context for the current adapter set and switches adapters without a restart:
 * the new context is created first, becomes active, and the old one is disposed once no caller
 * holds a lease on it. A failed switch leaves the old adapters active. Switches run one at a time.
 */
export class AdapterSwitcher<Context extends Disposable> {
  private readonly options: AdapterSwitcherOptions<Context>;
  private active: Slot<Context> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private generationCounter = 0;
  private readonly seenFiles = new Map<string, AdapterFileIdentity>();
  private disposed = false;

  constructor(options: AdapterSwitcherOptions<Context>) {
    this.options = options;
  }

  /** The adapters of the active context (the initial ones before first use). */
  get activeAdapters(): readonly AdapterSpec[] {
    return this.active?.adapters ?? this.options.initialAdapters ?? [];
  }

  get generation(): number {
    return this.active?.generation ?? 0;
  }

  /** Makes `adapters` the active set. A no-op if it already is. */
  switchTo(adapters: readonly AdapterSpec[]): Promise<void> {
    return this.enqueue(async () => {
      this.assertNotDisposed();
      if (this.active && adapterSetKey(this.active.adapters) === adapterSetKey(adapters)) return;
      await this.checkFilesNotRewritten(adapters);
      const context = await this.options.createContext(adapters);
      const previous = this.active;
      this.active = { context, adapters: [...adapters], generation: ++this.generationCounter, leases: 0, retired: false };
      if (previous) await this.retire(previous);
    });
  }

  /** Borrows the active context (creating the base context on first use). Always release it. */
  async acquire(): Promise<ContextLease<Context>> {
    if (!this.active) await this.switchTo(this.options.initialAdapters ?? []);
    await this.queue; // a switch in flight finishes first, so callers get the newest adapters
    this.assertNotDisposed();
    const slot = this.active;
    if (!slot) throw new SealError("DISPOSED", "No active context");
    slot.leases += 1;
    let released = false;
    return {
      context: slot.context,
      adapters: slot.adapters,
      generation: slot.generation,
      release: async () => {
        if (released) return;
        released = true;
        slot.leases -= 1;
        if (slot.retired && slot.leases === 0) await slot.context.dispose();
      },
    };
  }

  async dispose(): Promise<void> {
    await this.enqueue(async () => {
      if (this.disposed) return;
      this.disposed = true;
      if (this.active) await this.retire(this.active);
      this.active = undefined;
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private async retire(slot: Slot<Context>): Promise<void> {
    slot.retired = true;
    if (slot.leases === 0) await slot.context.dispose();
  }

  private async checkFilesNotRewritten(adapters: readonly AdapterSpec[]): Promise<void> {
    for (const { filePath } of adapters) {
      const identity = await this.options.identifyFile(filePath);
      const seen = this.seenFiles.get(filePath);
      if (seen && (seen.sizeBytes !== identity.sizeBytes || seen.modifiedMs !== identity.modifiedMs)) {
        throw new SealError("ADAPTER_INVALID", `Adapter ${filePath} changed on disk since it was first loaded`, {
          hint: "Write each new adapter under a new versioned file name (see versionedAdapterFileName); the runtime caches adapters by path.",
          context: { filePath, before: seen, now: identity },
        });
      }
      this.seenFiles.set(filePath, identity);
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertNotDisposed(): void {
    if (this.disposed) throw new SealError("DISPOSED", "The adapter switcher has been disposed");
  }
}
