import { SealError } from "../errors.js";
import { runCommand } from "../system/run-command.js";
import { ensureNativeBinary, type EnsureNativeOptions } from "./ensure-native.js";

/**
 * Runs one of our small native tools (all print one JSON object on stdout) and returns that
 * object, building the tools first on a fresh install. A non-zero exit is NATIVE_TOOL_FAILED with
 * the tool's last stderr lines.
 */
export async function runNativeTool<T>(tool: string, args: readonly string[], options: EnsureNativeOptions & { hint?: string } = {}): Promise<T> {
  const binary = await ensureNativeBinary(tool, options);
  const result = await runCommand(binary, args, options.signal ? { signal: options.signal } : {});
  if (result.exitCode !== 0) {
    const stderr = result.stderr.trim().split("\n").slice(-3).join("\n");
    throw new SealError("NATIVE_TOOL_FAILED", `${tool} failed: ${stderr.split("\n").pop() ?? ""}`, {
      hint: options.hint ?? "See context.stderr for the tool's log.",
      context: { tool, args, exitCode: result.exitCode, stderr },
    });
  }
  return JSON.parse(result.stdout) as T;
}
