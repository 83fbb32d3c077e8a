import fs from "node:fs";
import { SealError } from "../errors.js";
import { buildNative, SERVER_TARGET } from "./native-build.js";
import { nativeBinDir, nativeBinary, nativeSourceDigest, nativeSourcesStamp } from "./native-paths.js";

export interface EnsureNativeOptions {
  signal?: AbortSignal;
  /** Progress of a build on first use: first a line saying it builds, then fractions 0..1. */
  onNativeBuild?: (message: string, fraction?: number) => void;
}

/**
 * The path of a native program. When it has not been built yet (a fresh install), builds the
 * native tools first (`buildNative`, about a minute on two cores; once per machine) instead of
 * failing with NATIVE_NOT_BUILT. The same when it was built from other sources than this
 * package's native/ (an upgrade, or a changed patch): the build brings it up to date, and cmake
 * recompiles only what changed. `SEAL_NO_AUTO_BUILD=1` makes both an error, with the command that
 * builds; `SEAL_NATIVE_DIR` uses the user's own binaries as they are (a build into the cache would
 * not put them there).
 */
export async function ensureNativeBinary(name: string, options: EnsureNativeOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let stale = false;
  try {
    const file = nativeBinary(name, env);
    if (env.SEAL_NATIVE_DIR || builtFromTheseSources(name, env)) return file;
    stale = true;
  } catch (error) {
    if (!SealError.isInstance(error) || error.code !== "NATIVE_NOT_BUILT" || env.SEAL_NATIVE_DIR || env.SEAL_NO_AUTO_BUILD === "1") throw error;
  }
  if (env.SEAL_NO_AUTO_BUILD === "1") {
    throw new SealError("NATIVE_NOT_BUILT", `Native program ${name} was built from other sources than this package's native/`, {
      hint: "Run `seal native build`.",
      context: { binDir: nativeBinDir(env) },
    });
  }
  const server = name === SERVER_TARGET;
  const what = server ? "llama-server" : `the native ${name === "seal-train" ? "trainer" : "tools"}`;
  options.onNativeBuild?.(
    stale
      ? `${what} ${what.endsWith("tools") ? "were" : "was"} built from other sources: rebuilding (what changed only)...`
      : server ? "building llama-server (once, a few minutes)..." : `building ${what} (once, about a minute)...`,
  );
  await buildNative({
    server,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onNativeBuild ? { onProgress: (fraction: number, message: string) => options.onNativeBuild?.(message, fraction) } : {}),
  });
  try {
    return nativeBinary(name, env);
  } catch (error) {
    throw new SealError("NATIVE_BUILD_FAILED", `The native build finished without ${name}`, {
      hint: "Run `seal native build --clean --verbose` and look at its log.",
      context: SealError.isInstance(error) ? error.context : {},
      cause: error,
    });
  }
}

/** Whether the program's stamp names the digest of this package's native/ sources. */
function builtFromTheseSources(name: string, env: NodeJS.ProcessEnv): boolean {
  try {
    return fs.readFileSync(nativeSourcesStamp(nativeBinDir(env), name), "utf8").trim() === nativeSourceDigest();
  } catch {
    return false;
  }
}
