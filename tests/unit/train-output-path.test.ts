import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseOptions } from "../../src/config/parse-options.js";
import { checkOutputPath } from "../../src/train/output-path.js";
import { trainAdapterOptionsSchema } from "../../src/train/train-options.js";
import { codeOf } from "../helpers/error-code.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("checkOutputPath", () => {
  it("accepts a new file in a writable folder", async () => {
    const dir = await tempDir();
    await expect(checkOutputPath(path.join(dir, "a.gguf"), { overwrite: false })).resolves.toBeUndefined();
  });

  it("refuses a folder, and a file in a folder that does not exist, with OUTPUT_UNWRITABLE", async () => {
    const dir = await tempDir();
    expect(await codeOf(checkOutputPath(dir, { overwrite: true }))).toBe("OUTPUT_UNWRITABLE");
    expect(await codeOf(checkOutputPath(path.join(dir, "missing", "a.gguf"), { overwrite: false }))).toBe("OUTPUT_UNWRITABLE");
  });

  it("refuses an existing file with OUTPUT_EXISTS unless overwrite is set", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "a.gguf");
    await fs.writeFile(file, "x");
    expect(await codeOf(checkOutputPath(file, { overwrite: false }))).toBe("OUTPUT_EXISTS");
    await expect(checkOutputPath(file, { overwrite: true })).resolves.toBeUndefined();
  });
});

describe("trainAdapter options: output and priority", () => {
  const parse = (value: unknown) => parseOptions(trainAdapterOptionsSchema, value, "trainAdapter");
  it("defaults to a safe overwrite (no) and a low priority", () => {
    expect(parse({ dataPath: "d.jsonl", outPath: "a.gguf" })).toMatchObject({ overwrite: false, priority: "low" });
  });

  it("rejects a priority other than low or normal", () => {
    expect(() => parse({ dataPath: "d.jsonl", outPath: "a.gguf", priority: "high" })).toThrowError(/priority/);
  });
});
