/** A LoRA adapter to apply to the base model, and how strongly. */
export interface AdapterSpec {
  /** Path to a GGUF LoRA adapter. */
  filePath: string;
  /** Multiplier on the adapter's update. Defaults to `1`. */
  scale?: number;
}

/** A stable key for a set of adapters, used to tell whether a switch changes anything. */
export function adapterSetKey(adapters: readonly AdapterSpec[]): string {
  return JSON.stringify(adapters.map((adapter) => [adapter.filePath, adapter.scale ?? 1]));
}

/**
 * Adapter files are named with a version because node-llama-cpp caches loaded adapters per model
 * by path: a new adapter written over an old file's path would never be seen by a running process.
 */
export function versionedAdapterFileName(name: string, version: number): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new TypeError(`Adapter name "${name}" must match [A-Za-z0-9._-]+`);
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`Adapter version must be a positive integer, got ${version}`);
  return `${name}.v${String(version).padStart(4, "0")}.gguf`;
}
