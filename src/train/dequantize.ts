import fs from "node:fs/promises";
import path from "node:path";
import { runNativeTool } from "./run-native-tool.js";

export interface DequantizeOptions {
  /**
   * `"f32"` (the default) or `"bf16"`. BF16 is half the size of F32 and, on CPUs with
   * avx512_bf16, the fastest base to train against: its forward and backward matrix products run
   * on BF16 kernels. Norms stay F32 either way. `"f16"` and `"q8_0"` write those storage types
   * (for tests of the types users run; Q8_0 from a 4-bit file is no better than its source).
   */
  type?: "f32" | "bf16" | "f16" | "q8_0";
}

/**
 * Writes an F32 or BF16 copy of a GGUF model with the native `seal-dequantize`. Training against
 * it uses more memory than a quantized base but skips decoding frozen weights in every pass.
 */
export async function dequantizeModel(modelPath: string, outPath: string, options: DequantizeOptions = {}): Promise<string> {
  const out = path.resolve(outPath);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await runNativeTool("seal-dequantize", [path.resolve(modelPath), out, options.type ?? "f32"]);
  return out;
}
