import fs from "node:fs";

/**
 * A run killed with SIGKILL leaves its trainer running (the child does not die with its parent).
 * On resume it must be stopped before training again, or it would write a file no row names.
 * Only a process that is still a seal-train is signalled: the pid may have been reused.
 */
export function stopStaleTrainer(pid: number | null): void {
  if (pid === null || pid === process.pid) return;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    // No /proc (macOS) or no such process. Without /proc we cannot tell a reused pid apart: leave it.
    return;
  }
  if (!cmdline.includes("seal-train")) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone meanwhile.
  }
  // Wait for it to go, so it cannot rename a file after our sweep.
  for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}
