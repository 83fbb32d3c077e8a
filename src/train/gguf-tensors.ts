import { runNativeTool } from "./run-native-tool.js";

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
  const parsed = await runNativeTool<{ tensors: Array<Omit<GgufTensorSummary, "maxAbs"> & { max_abs: number }> }>("seal-gguf-tensors", [filePath]);
  return parsed.tensors.map(({ max_abs, ...rest }) => ({ ...rest, maxAbs: max_abs }));
}
