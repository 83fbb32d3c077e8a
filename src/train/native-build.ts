import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SealError, throwIfAborted } from "../errors.js";
import { CommandNotFoundError, runCommand } from "../system/run-command.js";
import { withNativeBuildLock } from "./native-build-lock.js";
import { llamaPackageDir, nativeBuildDir, nativeSourceDigest, nativeSourceDir, nativeSourcesStamp, resolveNativeBackend, type NativeBackend } from "./native-paths.js";

/** The programs `seal native build` makes. Only these targets (and what they link) are compiled. */
export const NATIVE_TARGETS = ["seal-gguf-info", "seal-gguf-tensors", "seal-lora-init", "seal-train", "seal-dequantize"] as const;

/** llama.cpp's OpenAI-compatible server, built only when asked for (`server: true`). */
export const SERVER_TARGET = "llama-server";

export interface NativeBuildOptions {
  /** Defaults to `SEAL_TRAINER_BACKEND` ("cuda"), else "cpu". */
  backend?: NativeBackend;
  /** Delete the build folder first. Defaults to `false`. */
  clean?: boolean;
  /**
   * Also build llama.cpp's `llama-server` into the same bin folder (an OpenAI-compatible endpoint,
   * used to test the OpenAI teacher writer; a few more minutes on 2 cores). Defaults to `false`,
   * which builds only the native tools.
   */
  server?: boolean;
  /** Parallel compile jobs. Defaults to the CPUs this process may use. */
  jobs?: number;
  signal?: AbortSignal;
  /** Build output, line by line ("[12/75] Building CXX object …" gives progress). */
  onLine?: (line: string) => void;
  /** Fraction 0..1 parsed from the build tool's "[n/total]" lines. */
  onProgress?: (fraction: number, message: string) => void;
}

export interface NativeBuildResult {
  buildDir: string;
  backend: NativeBackend;
  seconds: number;
}

/**
 * Configures and builds native/ with CMake against node-llama-cpp's bundled llama.cpp source. The
 * build folder is cached: a second run only checks timestamps and finishes in a second or two.
 * One build of a folder runs at a time (a lock file next to it); a second waits for the first.
 */
export async function buildNative(options: NativeBuildOptions = {}): Promise<NativeBuildResult> {
  const started = Date.now();
  const backend = options.backend ?? resolveNativeBackend();
  const buildDir = nativeBuildDir(backend);
  return withNativeBuildLock(`${buildDir}.lock`, () => build(buildDir, backend, started, options), {
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (pid) => options.onProgress?.(0, `waiting for another native build (pid ${pid}) to finish`),
  });
}

async function build(buildDir: string, backend: NativeBackend, started: number, options: NativeBuildOptions): Promise<NativeBuildResult> {
  if (options.clean) await fs.rm(buildDir, { recursive: true, force: true });
  const generator = (await hasCommand("ninja")) ? ["-G", "Ninja"] : [];
  const configureArgs = [
    "-S", nativeSourceDir(),
    "-B", buildDir,
    ...generator,
    "-DCMAKE_BUILD_TYPE=Release",
    `-DSEAL_LLAMA_PACKAGE_DIR=${llamaPackageDir()}`,
    `-DSEAL_CUDA=${backend === "cuda" ? "ON" : "OFF"}`,
    // Only ever switched on: a folder that has the server keeps it configured (the option is
    // cached), so a later default build neither reconfigures llama.cpp's tools away nor rebuilds.
    ...(options.server ? ["-DSEAL_BUILD_SERVER=ON"] : []),
  ];
  await runStep("configure", configureArgs, options);
  throwIfAborted(options.signal);
  const jobs = options.jobs ?? Math.max(1, os.availableParallelism());
  const targets = options.server ? [...NATIVE_TARGETS, SERVER_TARGET] : [...NATIVE_TARGETS];
  await runStep("build", ["--build", buildDir, "--target", ...targets, "-j", String(jobs)], options);
  // Each program built now is current: ensureNativeBinary rebuilds one whose stamp differs.
  const digest = nativeSourceDigest();
  await Promise.all(targets.map((target) => fs.writeFile(nativeSourcesStamp(path.join(buildDir, "bin"), target), `${digest}\n`)));
  return { buildDir, backend, seconds: (Date.now() - started) / 1000 };
}

async function runStep(step: string, args: string[], options: NativeBuildOptions): Promise<void> {
  const tail: string[] = [];
  let result;
  try {
    result = await runCommand("cmake", args, {
      ...(options.signal ? { signal: options.signal } : {}),
      onLine: (line) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onLine?.(line);
        const match = /^\[(\d+)\/(\d+)\]\s*(.*)$/.exec(line);
        if (match) options.onProgress?.(Number(match[1]) / Number(match[2]), match[3] ?? "");
      },
    });
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      throw new SealError("NATIVE_BUILD_FAILED", "cmake was not found on PATH", {
        hint: "Install CMake (>= 3.19) and a C++17 compiler, e.g. `apt-get install cmake g++ ninja-build`.",
        cause: error,
      });
    }
    throw error;
  }
  if (result.exitCode !== 0) {
    const codeLine = tail.find((line) => /SEAL_NATIVE_[A-Z_]+/.test(line));
    throw new SealError("NATIVE_BUILD_FAILED", `Native ${step} failed (cmake exit ${result.exitCode})`, {
      hint: codeLine ?? "See the build log above; `seal native build --clean` starts from scratch.",
      context: { step, args, log: tail.slice(-20).join("\n") },
    });
  }
}

async function hasCommand(command: string): Promise<boolean> {
  try {
    return (await runCommand(command, ["--version"])).exitCode === 0;
  } catch {
    return false;
  }
}
