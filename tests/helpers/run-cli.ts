import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

/** The compiled `seal` bin, as users run it (`npm test` builds first). */
export const sealBin = path.resolve("dist/src/cli/bin.js");

/** Runs `seal <args>` and returns its exit code (null when a signal killed it, then named) and output, whether it succeeded or not. */
export async function runSeal(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<{ code: number; stdout: string; stderr: string; signal?: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [sealBin, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, ...(cwd ? { cwd } : {}) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string; signal?: string | null };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, ...(failed.signal ? { signal: failed.signal } : {}) };
  }
}
