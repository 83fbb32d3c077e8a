import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestGguf } from "../helpers/gguf-writer.js";
import { runSeal } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

// First-use friction of the CLI: help, version, hints, flag parsing, and the checks that must
// come before any training. None of these needs the model or the native build.
const run = runSeal;

/** The `hint:` line of an error printed by the CLI (undefined when there is none). */
const hintOf = (stderr: string) => /^hint: (.+)$/m.exec(stderr)?.[1];

async function dataFile(dir: string): Promise<string> {
  const file = path.join(dir, "d.jsonl");
  await fs.writeFile(file, '{"text": "hello there"}\n');
  return file;
}

describe("seal CLI: help and version", () => {
  it.each(["model pull", "model info", "native build", "train", "bench ki"])("`seal %s --help` prints its usage and summary and exits 0", async (name) => {
    const result = await run([...name.split(" "), "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`usage: seal ${name}`);
    expect(result.stderr).toBe("");
  });

  it("`seal train -h` is the same as --help, even after other flags", async () => {
    const short = await run(["train", "-h"]);
    expect(short.code).toBe(0);
    expect(short.stdout).toContain("usage: seal train");
    expect(short.stdout).toContain("Train a LoRA adapter");
    const late = await run(["train", "d.jsonl", "--epochs", "abc", "--help"]);
    expect(late.code).toBe(0);
    expect(late.stdout).toContain("usage: seal train");
  });

  it("`seal --version` prints the package version and exits 0", async () => {
    const { version } = JSON.parse(await fs.readFile("package.json", "utf8")) as { version: string };
    const result = await run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("`seal --help` mentions per-command help and --version", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("seal <command> --help");
    expect(result.stdout).toContain("--version");
  });
});

describe("seal CLI: every error has a hint", () => {
  it("a missing data file", async () => {
    const dir = await tempDir();
    const result = await run(["train", path.join(dir, "missing.jsonl"), "--out", path.join(dir, "a.gguf"), "--base", path.join(dir, "m.gguf")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error TRAIN_DATA_INVALID");
    expect(hintOf(result.stderr)).toMatch(/path|JSON Lines/);
  });

  it("a flag that is not a number", async () => {
    const result = await run(["train", "d.jsonl", "--out", "a.gguf", "--epochs", "abc"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error INVALID_OPTIONS: --epochs");
    expect(hintOf(result.stderr)).toMatch(/number/);
  });

  it("an unknown native backend", async () => {
    const result = await run(["native", "build", "--backend", "tpu"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error INVALID_OPTIONS");
    expect(hintOf(result.stderr)).toMatch(/cpu.*cuda/);
  });

  it("an error as JSON carries the hint too", async () => {
    const result = await run(["native", "build", "--backend", "tpu", "--json"]);
    const parsed = JSON.parse(result.stdout) as { error: { code: string; hint?: string } };
    expect(parsed.error.code).toBe("INVALID_OPTIONS");
    expect(parsed.error.hint).toMatch(/cpu.*cuda/);
  });
});

describe("seal CLI: negative numbers", () => {
  it.each([["--lr", "-1"], ["--lr=-1"], ["--warmup", "-3"], ["--lr", "-1e-3"]])("`%s %s` reaches validation: INVALID_OPTIONS naming the flag", async (...flag) => {
    const result = await run(["train", "d.jsonl", "--out", "a.gguf", ...flag]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain("ambiguous");
    const name = (flag[0] as string).split("=")[0] as string;
    expect(result.stderr).toMatch(new RegExp(`error INVALID_OPTIONS: .*${name}\\b.*(greater than|positive|negative)`));
    expect(hintOf(result.stderr)).toBeDefined();
  });

  it("a flag still cannot swallow the next flag", async () => {
    const result = await run(["train", "d.jsonl", "--lr", "--out", "a.gguf"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error INVALID_OPTIONS");
  });
});

describe("seal CLI: the user's own files", () => {
  it("a --base that is not GGUF: MODEL_CORRUPT, with a hint about --base rather than `seal model pull`", async () => {
    const dir = await tempDir();
    const data = await dataFile(dir);
    const result = await run(["train", data, "--out", path.join(dir, "a.gguf"), "--base", data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error MODEL_CORRUPT");
    expect(hintOf(result.stderr)).toMatch(/--base/);
    expect(hintOf(result.stderr)).not.toMatch(/model pull/);
  });

  it("a --base that does not exist: MODEL_NOT_FOUND, with a hint about --base", async () => {
    const dir = await tempDir();
    const data = await dataFile(dir);
    const result = await run(["train", data, "--out", path.join(dir, "a.gguf"), "--base", path.join(dir, "nope.gguf")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error MODEL_NOT_FOUND");
    expect(hintOf(result.stderr)).toMatch(/--base/);
    expect(hintOf(result.stderr)).not.toMatch(/model pull/);
  });

  it("`seal model info` on a missing file: MODEL_NOT_FOUND with a hint; on a non-GGUF file: MODEL_CORRUPT", async () => {
    const dir = await tempDir();
    const missing = await run(["model", "info", path.join(dir, "nope.gguf")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error MODEL_NOT_FOUND");
    expect(hintOf(missing.stderr)).toBeDefined();
    const text = await dataFile(dir);
    const corrupt = await run(["model", "info", text]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain("error MODEL_CORRUPT");
    expect(hintOf(corrupt.stderr)).toBeDefined();
  });

  it("with SEAL_NO_AUTO_BUILD=1 a missing native build stays NATIVE_NOT_BUILT, with the command that builds it", async () => {
    const dir = await tempDir();
    const model = path.join(dir, "tiny.gguf");
    await writeTestGguf(model, { "general.architecture": "llama", "general.type": "model" }, [{ name: "token_embd.weight", shape: [4, 4] }]);
    const result = await run(["model", "info", model], { SEAL_CACHE_DIR: path.join(dir, "cache"), SEAL_NO_AUTO_BUILD: "1", SEAL_NATIVE_DIR: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error NATIVE_NOT_BUILT");
    expect(hintOf(result.stderr)).toContain("seal native build");
  });
});

describe("seal CLI: a base the trainer cannot train", () => {
  it("a gemma2 GGUF as --base: MODEL_UNSUPPORTED from its header, before the native build or any training", async () => {
    const dir = await tempDir();
    const model = path.join(dir, "gemma.gguf");
    await writeTestGguf(model, { "general.architecture": "gemma2", "general.type": "model" }, [{ name: "token_embd.weight", shape: [4, 4] }]);
    // No native build in this cache and no auto-build: reaching the trainer would be NATIVE_NOT_BUILT.
    const result = await run(["train", await dataFile(dir), "--out", path.join(dir, "a.gguf"), "--base", model], { SEAL_CACHE_DIR: path.join(dir, "cache"), SEAL_NO_AUTO_BUILD: "1", SEAL_NATIVE_DIR: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error MODEL_UNSUPPORTED: The trainer cannot train gemma2 models yet");
    expect(hintOf(result.stderr)).toMatch(/llama, qwen2 or gemma3/);
    expect((await fs.readdir(dir)).sort()).toEqual(["d.jsonl", "gemma.gguf"]);
  });
});

describe("seal CLI: --out is checked before training", () => {
  it("a folder as --out: OUTPUT_UNWRITABLE before anything else", async () => {
    const dir = await tempDir();
    const data = await dataFile(dir);
    // The base is not a model either: the --out check must come first, before any training.
    const result = await run(["train", data, "--out", dir, "--base", data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error OUTPUT_UNWRITABLE");
    expect(hintOf(result.stderr)).toMatch(/file/);
  });

  it("an existing --out file is refused (and left alone) unless --force", async () => {
    const dir = await tempDir();
    const data = await dataFile(dir);
    const out = path.join(dir, "adapter.gguf");
    await fs.writeFile(out, "precious");
    const refused = await run(["train", data, "--out", out, "--base", data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error OUTPUT_EXISTS");
    expect(hintOf(refused.stderr)).toContain("--force");
    expect(await fs.readFile(out, "utf8")).toBe("precious");
    // With --force the check passes and the next one (the base is not a model) fails.
    const forced = await run(["train", data, "--out", out, "--base", data, "--force"]);
    expect(forced.stderr).toContain("error MODEL_CORRUPT");
  });

  it("--priority takes low or normal", async () => {
    const result = await run(["train", "d.jsonl", "--out", "a.gguf", "--priority", "high"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error INVALID_OPTIONS: .*--priority.*low.*normal/);
    expect(hintOf(result.stderr)).toBeDefined();
  });
});
