import fs from "node:fs/promises";
import path from "node:path";
import { runNativeTool } from "./run-native-tool.js";

/**
 * Writes an F32 copy of a GGUF model with the native `seal-dequantize`. Training against it uses
 * more memory but skips dequantizing frozen weights in every backward pass.
 */
export async function dequantizeModel(modelPath: string, outPath: string): Promise<string> {
  const out = path.resolve(outPath);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await runNativeTool("seal-dequantize", [path.resolve(modelPath), out]);
  return out;
}
