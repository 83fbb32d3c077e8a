import { SealError } from "../errors.js";
import { runCommand } from "../system/run-command.js";
import { nativeBinary } from "./native-paths.js";

/**
 * Runs one of our small native tools (all print one JSON object on stdout) and returns that
 * object. A non-zero exit is NATIVE_TOOL_FAILED with the tool's last stderr lines.
 */
export async function runNativeTool<T>(tool: string, args: readonly string[], options: { signal?: AbortSignal; hint?: string } = {}): Promise<T> {
  const result = await runCommand(nativeBinary(tool), args, options.signal ? { signal: options.signal } : {});
  if (result.exitCode !== 0) {
    const stderr = result.stderr.trim().split("\n").slice(-3).join("\n");
    throw new SealError("NATIVE_TOOL_FAILED", `${tool} failed: ${stderr.split("\n").pop() ?? ""}`, {
      ...(options.hint ? { hint: options.hint } : {}),
      context: { tool, args, exitCode: result.exitCode, stderr },
    });
  }
  return JSON.parse(result.stdout) as T;
}
