import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { nativeBinDir, nativeBinary, nativeSourceDigest, nativeSourcesStamp } from "../../src/train/native-paths.js";
import { tempDir } from "../helpers/temp-dir.js";
import { writeJsonl, ZORBANIA_FACT } from "../helpers/train-fixtures.js";

// A fresh install: no native build in the cache. `seal train` builds the native tools on first
// use, with progress, and then trains.
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

  // The build from scratch (configure, every object) is what `seal native build` does in .ci/run
  // and in the test command; a second full build here would cost CI minutes and prove nothing more.
  // This test takes the trainer out of the real build folder instead: the product must notice it
  // missing, build it (cmake relinks only that program) with progress, and then train.
  it("builds the missing native trainer on first use, with progress, then trains", { timeout: 900_000 }, async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const out = path.join(dir, "a.gguf");
    const env = { CI: "1" };
    const trainer = nativeBinary("seal-train", { ...process.env, SEAL_NATIVE_DIR: "" });
    const aside = `${trainer}.test-aside`;
    await fs.rename(trainer, aside);
    try {
      const result = await run(["train", data, "--out", out, "--base", modelPath, "--lr", "1e-6"], env);
      expect(result.stderr).toContain("building the native trainer (once, about a minute)");
      expect(result.stderr).toMatch(/native: .*\d+%/); // build progress
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(result.stdout).toContain(out);
      expect((await fs.readFile(out)).subarray(0, 4).toString("latin1")).toBe("GGUF");
      expect((await fs.stat(trainer)).isFile()).toBe(true);
      // A second run finds the build and says nothing about building.
      const again = await run(["train", data, "--out", out, "--base", modelPath, "--lr", "1e-6", "--force"], env);
      expect(again.code).toBe(0);
      expect(again.stderr).not.toContain("building the native trainer");
    } finally {
      // Whatever happened above, the original goes back (over the rebuilt one: the same sources).
      await fs.rename(aside, trainer);
    }
  });

  // An upgrade of the package (or a changed patch in a checkout) leaves a trainer built from other
  // sources in the cache; before, it was used as it was (an older trainer refuses newer flags).
  it("rebuilds a trainer built from other sources, with progress, then trains", { timeout: 900_000 }, async () => {
    const dir = await tempDir();
    const data = await writeJsonl(dir, "d.jsonl", ZORBANIA_FACT.map((text) => ({ text })));
    const out = path.join(dir, "a.gguf");
    const stamp = nativeSourcesStamp(nativeBinDir({ ...process.env, SEAL_NATIVE_DIR: "" }), "seal-train");
    await fs.writeFile(stamp, "an older package's sources\n");
    try {
      const result = await run(["train", data, "--out", out, "--base", modelPath, "--lr", "1e-6"], { CI: "1" });
      expect(result.stderr).toContain("the native trainer was built from other sources: rebuilding");
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect((await fs.readFile(stamp, "utf8")).trim()).toBe(nativeSourceDigest());
      const again = await run(["train", data, "--out", out, "--base", modelPath, "--lr", "1e-6", "--force"], { CI: "1" });
      expect(again.code).toBe(0);
      expect(again.stderr).not.toContain("rebuilding");
    } finally {
      await fs.writeFile(stamp, `${nativeSourceDigest()}\n`);
    }
  });
});
