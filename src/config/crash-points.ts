/**
 * Named places in a run where a test can have the process killed with SIGKILL, the way a power cut
 * or the OOM killer would: `SEAL_CRASH_AT=train:spawned` kills at that point. The resume tests and
 * the crash-point suite use them; unset (always, in production) this is one string comparison.
 */
export function crashPoint(name: string): void {
  if (process.env.SEAL_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}
