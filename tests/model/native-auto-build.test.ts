import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { tempDir } from "../helpers/temp-dir.js";
import { writeJsonl, ZORBANIA_FACT } from "../helpers/train-fixtures.js";

// A fresh install: no native build in the cache. `seal train` builds the native tools on first
// use, with progress, and then trains. This test runs one real build from scratch (a minute or
// two on a 2-core machine) into a temporary cache, so it leaves the shared cache alone.
const bin = path.resolve("dist/src/cli/bin.js");
const run = async (args: string[], env: NodeJS.ProcessEnv) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env: { ...process.env, SEAL_NATIVE_DIR: "", ...env }, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

let modelPath: string;
beforeAll(async () => {
  modelPath = (await ensureModel()).path;
});

describe("seal train on a fresh install", () => {
  it("with SEAL_NO_AUTO_BUILD=1: NATIVE_NOT_BUILT with the command that builds it", async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", [{ text: "hello there" }]);
    const result = await run(["train", data, "--out", path.join(dir, "a.gguf"), "--base", modelPath], { SEAL_CACHE_DIR: path.join(dir, "cache"), SEAL_NO_AUTO_BUILD: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error NATIVE_NOT_BUILT");
    expect(result.stderr).toMatch(/^hint: .*seal native build/m);
    expect(await fs.readdir(dir)).toEqual(["d.jsonl"]);
  });

  it("builds the native trainer once, with progress, then trains (real build: slow)", { timeout: 900_000 }, async () => {
    const dir = await tempDir();
    const cache = path.join(dir, "cache");
    const data = await writeJsonl(dir, "d.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const out = path.join(dir, "a.gguf");
    const result = await run(["train", data, "--out", out, "--base", modelPath, "--lr", "1e-6"], { SEAL_CACHE_DIR: cache, CI: "1" });
    expect(result.stderr).toContain("building the native trainer (once, about a minute)");
    expect(result.stderr).toMatch(/native: .*\d+%/); // build progress
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toContain(out);
    expect((await fs.readFile(out)).subarray(0, 4).toString("latin1")).toBe("GGUF");
    const built = await fs.readdir(path.join(cache, "native"));
    expect(built).toHaveLength(1);
    // A second run finds the build and says nothing about building.
    const again = await run(["train", data, "--out", out, "--base", modelPath, "--lr", "1e-6", "--force"], { SEAL_CACHE_DIR: cache, CI: "1" });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("building the native trainer");
  });
});
