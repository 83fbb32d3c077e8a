import { SealError } from "../errors.js";
import { buildNative, SERVER_TARGET } from "./native-build.js";
import { nativeBinary } from "./native-paths.js";

export interface EnsureNativeOptions {
  signal?: AbortSignal;
  /** Progress of a build on first use: first a line saying it builds, then fractions 0..1. */
  onNativeBuild?: (message: string, fraction?: number) => void;
}

/**
 * The path of a native program. When it has not been built yet (a fresh install), builds the
 * native tools first (`buildNative`, about a minute on two cores; once per machine) instead of
 * failing with NATIVE_NOT_BUILT. `SEAL_NO_AUTO_BUILD=1` keeps the error, as does `SEAL_NATIVE_DIR`
 * (the binaries are the user's own, and a build into the cache would not put them there).
 */
export async function ensureNativeBinary(name: string, options: EnsureNativeOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    return nativeBinary(name, env);
  } catch (error) {
    if (!SealError.isInstance(error) || error.code !== "NATIVE_NOT_BUILT" || env.SEAL_NATIVE_DIR || env.SEAL_NO_AUTO_BUILD === "1") throw error;
  }
  const server = name === SERVER_TARGET;
  options.onNativeBuild?.(
    server ? "building llama-server (once, a few minutes)..." : `building the native ${name === "seal-train" ? "trainer" : "tools"} (once, about a minute)...`,
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
