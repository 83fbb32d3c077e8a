import os from "node:os";

/**
 * The number of CPU threads for llama.cpp. node-llama-cpp's own default counts the host's physical
 * cores, which in a container or a CI runner can exceed the CPUs the process may use: on a 2-CPU CI
 * machine it picked 4 threads and generation ran 50x slower (spinning threads fighting for 2 cores).
 * `SEAL_THREADS` overrides; otherwise the CPUs this process is allowed to run on.
 */
export function defaultThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.SEAL_THREADS ?? "", 10);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, os.availableParallelism());
}
