import type { EnsureNativeOptions } from "./ensure-native.js";
import { runNativeTool } from "./run-native-tool.js";

/**
 * Reads a model's metadata with our native `seal-gguf-info`, i.e. through llama.cpp's own loader
 * as built from node-llama-cpp's bundled source. It proves the native build works end to end.
 */
export async function readGgufMetadataNative(modelPath: string, options: EnsureNativeOptions = {}): Promise<Record<string, string>> {
  const parsed = await runNativeTool<{ metadata: Record<string, string> }>("seal-gguf-info", [modelPath], { ...options, hint: "Is it a GGUF model file?" });
  return parsed.metadata;
}
