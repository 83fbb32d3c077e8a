import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { packageRoot, resolveCacheDir } from "../config/paths.js";
import { SealError } from "../errors.js";

export type NativeBackend = "cpu" | "cuda";

/** The folder of node-llama-cpp's llama.cpp source bundle and its release info. */
export function llamaPackageDir(): string {
  // node-llama-cpp's "exports" hide its files, so look for it the way Node does: in node_modules
  // folders from this package upwards (it may be hoisted above us when we are a dependency).
  let dir = packageRoot();
  while (true) {
    const candidate = path.join(dir, "node_modules", "node-llama-cpp", "llama");
    if (fs.existsSync(path.join(candidate, "llama.cpp.info.json"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new SealError("NATIVE_BUILD_FAILED", "node-llama-cpp's llama/ folder was not found", { hint: "Run `npm ci`." });
    dir = parent;
  }
}

/** The llama.cpp release tag node-llama-cpp ships (llama/llama.cpp.info.json). */
export function bundledLlamaTag(): string {
  const info = JSON.parse(fs.readFileSync(path.join(llamaPackageDir(), "llama.cpp.info.json"), "utf8")) as { tag?: string };
  if (!info.tag) throw new SealError("NATIVE_BUILD_FAILED", "node-llama-cpp's llama.cpp.info.json has no tag", { hint: "Reinstall node-llama-cpp (`npm ci`)." });
  return info.tag;
}

/** `SEAL_TRAINER_BACKEND=cuda` selects the CUDA build; anything else is the CPU build. */
export function resolveNativeBackend(env: NodeJS.ProcessEnv = process.env): NativeBackend {
  return env.SEAL_TRAINER_BACKEND === "cuda" ? "cuda" : "cpu";
}

/**
 * The CMake build folder for a backend, in the cache, keyed by the llama.cpp tag and by which
 * checkout of seal-memory builds it: CMake refuses a build folder configured from another source
 * folder, and two projects on one machine must not share (or break) each other's builds.
 */
export function nativeBuildDir(backend: NativeBackend, env: NodeJS.ProcessEnv = process.env): string {
  const checkout = createHash("sha256").update(nativeSourceDir()).digest("hex").slice(0, 8);
  return path.join(resolveCacheDir(env), "native", `llama.cpp-${bundledLlamaTag()}-${backend}-${checkout}`);
}

/** Where the native binaries are found: `SEAL_NATIVE_DIR` if set, else the cached build's bin/. */
export function nativeBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SEAL_NATIVE_DIR) return path.resolve(env.SEAL_NATIVE_DIR);
  return path.join(nativeBuildDir(resolveNativeBackend(env), env), "bin");
}

/** The path of a native program, or NATIVE_NOT_BUILT with the command that builds it. */
export function nativeBinary(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = path.join(nativeBinDir(env), process.platform === "win32" ? `${name}.exe` : name);
  if (!fs.existsSync(file)) {
    throw new SealError("NATIVE_NOT_BUILT", `Native program ${name} not found at ${file}`, {
      hint: env.SEAL_NATIVE_DIR ? "SEAL_NATIVE_DIR is set: point it at the folder holding the built binaries." : "Run `seal native build`.",
      context: { file },
    });
  }
  return file;
}

/** The native/ CMake project inside this package. */
export function nativeSourceDir(): string {
  return path.join(packageRoot(), "native");
}

let sourceDigest: string | undefined;

/**
 * A digest of native/ (the llama.cpp patches, our tools, the CMake files), read once per process.
 * A program built from other sources (an earlier version of this package, or a checkout before a
 * patch changed) is stale: it may lack a fix or refuse a flag the TypeScript side passes.
 */
export function nativeSourceDigest(): string {
  if (sourceDigest) return sourceDigest;
  const root = nativeSourceDir();
  const hash = createHash("sha256");
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((file) => fs.statSync(path.join(root, file)).isFile()).sort();
  for (const file of files) hash.update(`${file}\0`).update(fs.readFileSync(path.join(root, file))).update("\0");
  sourceDigest = hash.digest("hex");
  return sourceDigest;
}

/** The file beside a built program that holds the digest of the sources it was built from. */
export function nativeSourcesStamp(binDir: string, name: string): string {
  return path.join(binDir, `${name}.sources`);
}
