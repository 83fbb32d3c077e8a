import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where seal-memory keeps downloaded models and native builds.
 * `SEAL_CACHE_DIR` wins, then `$XDG_CACHE_HOME/seal-memory`, then `~/.cache/seal-memory`.
 */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SEAL_CACHE_DIR) return path.resolve(env.SEAL_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), ".cache");
  return path.join(base, "seal-memory");
}

/** The model cache: `SEAL_MODELS_DIR`, else `<cache>/models`. */
export function resolveModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SEAL_MODELS_DIR) return path.resolve(env.SEAL_MODELS_DIR);
  return path.join(resolveCacheDir(env), "models");
}

/** The root of this package (where `native/`, `migrations/` and `plugins/` live). */
export function packageRoot(): string {
  // This file is src/config/paths.ts, compiled to dist/src/config/paths.js: the root is three or
  // four levels up depending on whether we run from source (vitest) or from dist.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = here.split(path.sep);
  const distIndex = parts.lastIndexOf("dist");
  if (distIndex > 0) return parts.slice(0, distIndex).join(path.sep) || path.sep;
  return path.resolve(here, "..", "..");
}

/**
 * The memory store the CLI uses: `--store <path>` wins, then `SEAL_STORE`, then
 * `$XDG_DATA_HOME/seal-memory/memory.db`, then `~/.local/share/seal-memory/memory.db`.
 * An empty value counts as unset.
 */
export function resolveStorePath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.SEAL_STORE) return path.resolve(env.SEAL_STORE);
  const base = env.XDG_DATA_HOME ? path.resolve(env.XDG_DATA_HOME) : path.join(os.homedir(), ".local", "share");
  return path.join(base, "seal-memory", "memory.db");
}
