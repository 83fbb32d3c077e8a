import os from "node:os";

/** Niceness of a "low" priority trainer: below interactive work, above idle-only (19). */
export const LOW_PRIORITY_NICENESS = 10;

/**
 * Lowers a child process's CPU priority to niceness 10 (never raises it: a parent already nicer
 * than that keeps its niceness). Call it right after the spawn: on Linux niceness is per thread,
 * and only the threads the process starts afterwards (llama.cpp's workers) inherit it.
 * A failure (the process has already exited, or the system forbids it) leaves the priority as it is.
 */
export function lowerPriority(pid: number): void {
  try {
    os.setPriority(pid, Math.max(LOW_PRIORITY_NICENESS, os.getPriority(pid)));
  } catch {
    // Training runs either way; the priority is a courtesy to the rest of the machine.
  }
}
