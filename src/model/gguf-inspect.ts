import fs from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";
import { SealError } from "../errors.js";

const HEADER_READ_TIMEOUT_MS = 10_000;
// Bounds far above any real model, far below what a damaged header decodes to.
const MAX_TENSORS = 1_000_000;
const MAX_METADATA_KEYS = 100_000;

export interface GgufSummary {
  /** `general.type`: "model" for base models, "adapter" for LoRA adapters (older files omit it). */
  type: string;
  architecture: string;
  /** `adapter.type` for adapters ("lora"); undefined for models. */
  adapterType: string | undefined;
  /** LoRA alpha for adapters, when recorded. */
  loraAlpha: number | undefined;
  tensorCount: number;
  /** For adapters written by seal-train: the sha256 of the base model file it was trained on. */
  baseSha256: string | undefined;
}

/**
 * Reads a GGUF file's header without loading weights. Throws MODEL_CORRUPT (or ADAPTER_INVALID
 * for `expect: "adapter"`) when the file is missing, truncated or not GGUF at all, so that a bad
 * file fails here with a clear message rather than deep inside llama.cpp.
 */
export async function inspectGguf(filePath: string, expect: "model" | "adapter"): Promise<GgufSummary> {
  const code = expect === "adapter" ? "ADAPTER_INVALID" : "MODEL_CORRUPT";
  const stat = await fs.stat(filePath).catch(() => undefined);
  if (stat === undefined || !stat.isFile()) {
    throw new SealError(expect === "adapter" ? "ADAPTER_INVALID" : "MODEL_NOT_FOUND", `No ${expect} file at ${filePath}`, {
      hint: expect === "adapter" ? "Check the adapter path." : "Run `seal model pull`, or set SEAL_MODEL to a GGUF file.",
      context: { path: filePath },
    });
  }
  let info;
  try {
    await checkGgufHeader(filePath, stat.size);
    // node-llama-cpp's reader can spin on a damaged header; bound it rather than hang the caller.
    info = await withTimeout(readGgufFileInfo(filePath, { sourceType: "filesystem", readTensorInfo: true, logWarnings: false }), HEADER_READ_TIMEOUT_MS);
  } catch (error) {
    throw new SealError(code, `${filePath} is not a readable GGUF file`, {
      hint: expect === "adapter" ? "Pass a LoRA adapter in GGUF format (as written by `seal train`)." : "Delete it and run `seal model pull` again.",
      context: { path: filePath, sizeBytes: stat.size },
      cause: error,
    });
  }
  const metadata = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const general = metadata.general ?? {};
  const adapter = metadata.adapter as { type?: string; lora?: { alpha?: number } } | undefined;
  const summary: GgufSummary = {
    type: typeof general.type === "string" ? general.type : adapter ? "adapter" : "model",
    architecture: String(general.architecture ?? "unknown"),
    adapterType: adapter?.type,
    loraAlpha: adapter?.lora?.alpha,
    tensorCount: info.tensorInfo?.length ?? 0,
    baseSha256: typeof metadata.seal?.base_sha256 === "string" ? metadata.seal.base_sha256 : undefined,
  };
  if (expect === "adapter" && (summary.type !== "adapter" || summary.adapterType !== "lora")) {
    throw new SealError("ADAPTER_INVALID", `${filePath} is a GGUF ${summary.type}, not a LoRA adapter`, {
      hint: "Pass a LoRA adapter (general.type=adapter, adapter.type=lora), not a base model.",
      context: { path: filePath, type: summary.type, adapterType: summary.adapterType },
    });
  }
  if (expect === "model" && summary.type === "adapter") {
    throw new SealError("MODEL_CORRUPT", `${filePath} is a LoRA adapter, not a base model`, {
      hint: "Give the base model as the model, and the adapter in `lora.adapters`.",
      context: { path: filePath },
    });
  }
  return summary;
}

/**
 * Checks the fixed GGUF header (magic, version, counts) before handing the file to a parser:
 * node-llama-cpp's reader loops forever on a file that starts with "GGUF" followed by garbage.
 */
async function checkGgufHeader(filePath: string, sizeBytes: number): Promise<void> {
  if (sizeBytes < 24) throw new Error(`file is ${sizeBytes} bytes, shorter than a GGUF header`);
  const handle = await fs.open(filePath, "r");
  try {
    const header = Buffer.alloc(24);
    await handle.read(header, 0, 24, 0);
    if (header.toString("latin1", 0, 4) !== "GGUF") throw new Error("missing GGUF magic");
    const version = header.readUInt32LE(4);
    if (version < 2 || version > 3) throw new Error(`unsupported GGUF version ${version}`);
    const tensorCount = header.readBigUInt64LE(8);
    const metadataCount = header.readBigUInt64LE(16);
    if (tensorCount > BigInt(MAX_TENSORS) || metadataCount > BigInt(MAX_METADATA_KEYS)) {
      throw new Error(`implausible header counts (${tensorCount} tensors, ${metadataCount} keys)`);
    }
  } finally {
    await handle.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`GGUF header not readable within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
