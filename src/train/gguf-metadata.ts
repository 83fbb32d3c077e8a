import { SealError } from "../errors.js";
import { runCommand } from "../system/run-command.js";
import { nativeBinary } from "./native-paths.js";

/**
 * Reads a model's metadata with our native `seal-gguf-info`, i.e. through llama.cpp's own loader
 * as built from node-llama-cpp's bundled source. It proves the native build works end to end.
 */
export async function readGgufMetadataNative(modelPath: string, options: { signal?: AbortSignal } = {}): Promise<Record<string, string>> {
  const binary = nativeBinary("seal-gguf-info");
  const result = await runCommand(binary, [modelPath], options.signal ? { signal: options.signal } : {});
  if (result.exitCode !== 0) {
    throw new SealError("NATIVE_TOOL_FAILED", `seal-gguf-info could not read ${modelPath}`, {
      hint: "Is it a GGUF model file?",
      context: { exitCode: result.exitCode, stderr: result.stderr.trim().split("\n").slice(-3).join("\n") },
    });
  }
  const parsed = JSON.parse(result.stdout) as { metadata: Record<string, string> };
  return parsed.metadata;
}
