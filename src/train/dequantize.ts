import fs from "node:fs/promises";
import path from "node:path";
import { SealError } from "../errors.js";
import { runCommand } from "../system/run-command.js";
import { nativeBinary } from "./native-paths.js";

/**
 * Writes an F32 copy of a GGUF model with the native `seal-dequantize`. Training against it uses
 * more memory but skips dequantizing frozen weights in every backward pass.
 */
export async function dequantizeModel(modelPath: string, outPath: string): Promise<string> {
  const out = path.resolve(outPath);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const result = await runCommand(nativeBinary("seal-dequantize"), [path.resolve(modelPath), out]);
  if (result.exitCode !== 0) {
    throw new SealError("NATIVE_TOOL_FAILED", `seal-dequantize failed: ${result.stderr.trim().split("\n").pop() ?? ""}`, { context: { modelPath, outPath } });
  }
  return out;
}
