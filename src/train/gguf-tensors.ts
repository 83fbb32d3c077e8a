import { SealError } from "../errors.js";
import { runCommand } from "../system/run-command.js";
import { nativeBinary } from "./native-paths.js";

export interface GgufTensorSummary {
  name: string;
  type: string;
  shape: [number, number];
  /** L2 norm (F32 tensors; 0 otherwise). */
  l2: number;
  maxAbs: number;
  /** 64-bit FNV-1a of the raw bytes, hex: equal tensors have equal checksums. */
  checksum: string;
}

/** Summaries of every tensor in a GGUF file (adapters included), read by `seal-gguf-tensors`. */
export async function readGgufTensors(filePath: string): Promise<GgufTensorSummary[]> {
  const result = await runCommand(nativeBinary("seal-gguf-tensors"), [filePath]);
  if (result.exitCode !== 0) {
    throw new SealError("NATIVE_TOOL_FAILED", `seal-gguf-tensors could not read ${filePath}`, { context: { stderr: result.stderr.trim() } });
  }
  const parsed = JSON.parse(result.stdout) as { tensors: Array<Omit<GgufTensorSummary, "maxAbs"> & { max_abs: number }> };
  return parsed.tensors.map(({ max_abs, ...rest }) => ({ ...rest, maxAbs: max_abs }));
}
