import fs from "node:fs/promises";
import path from "node:path";
import { throwIfAborted } from "../errors.js";

export interface BuildLockOptions {
  /** How often to look whether the other build has finished. Defaults to 500 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Called once when another build holds the lock, with its pid. */
  onWait?: (pid: number) => void;
}

/**
 * Runs `build` while holding a lock file (it holds the holder's pid), so that two builds of one
 * folder never run at once: the benchmark's worker processes, or two `seal train` runs on a fresh
 * install, would otherwise start CMake in the same build folder together and break it. A lock
 * whose process no longer exists (a killed build) is taken over.
 */
export async function withNativeBuildLock<T>(lockPath: string, build: () => Promise<T>, options: BuildLockOptions = {}): Promise<T> {
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  let waited = false;
  for (;;) {
    throwIfAborted(options.signal);
    try {
      await fs.writeFile(lockPath, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(await fs.readFile(lockPath, "utf8").catch(() => ""), 10);
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (!waited && Number.isInteger(holder)) options.onWait?.(holder);
    waited = true;
    await sleep(options.pollMs ?? 500, options.signal);
  }
  try {
    return await build();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
