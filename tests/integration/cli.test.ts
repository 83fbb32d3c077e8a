import { describe, expect, it } from "vitest";
import { runSeal } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

// The CLI as users run it: the compiled bin (`npm test` builds first).
const run = runSeal;

describe("seal CLI", () => {
  it("prints an unknown command's code and a hint, and exits non-zero", async () => {
    const result = await run(["frobnicate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error UNKNOWN_COMMAND");
    expect(result.stderr).toContain("hint:");
  });

  it("rejects an unknown flag with INVALID_OPTIONS and the usage", async () => {
    const result = await run(["model", "pull", "--fast"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error INVALID_OPTIONS: .*--fast/);
    expect(result.stderr).toContain("usage: seal model pull");
  });

  it("reports a failed pull as JSON with the code and every route tried", async () => {
    const dir = await tempDir();
    const result = await run(["model", "pull", "--json", "--offline"], { SEAL_MODELS_DIR: dir, SEAL_PYTHON: "/nonexistent/python3", SEAL_MODEL: "" });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; context: { attempts: unknown[] } } };
    expect(parsed.ok).toBe(false);
    expect(parsed.error.code).toBe("PYTHON_MISSING");
    expect(parsed.error.context.attempts).toHaveLength(3);
  });

  it("pulls both models idempotently: the second run is a cache hit", { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const env = { SEAL_MODELS_DIR: dir, SEAL_MODEL: "", SEAL_EMBEDDING_MODEL: "" };
    const first = await run(["model", "pull", "--json", "--offline"], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, models: [{ role: "chat", route: "pip" }, { role: "embedding", route: "pip" }] });
    const second = await run(["model", "pull", "--json"], env);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, models: [{ role: "chat", route: "cache" }, { role: "embedding", route: "cache" }] });
    const only = await run(["model", "pull", "--json", "--only", "embedding"], env);
    expect(JSON.parse(only.stdout)).toMatchObject({ ok: true, models: [{ role: "embedding", route: "cache" }] });
    const wrong = await run(["model", "pull", "--only", "vision"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("error INVALID_OPTIONS");
  });

  it("refuses `seal train` without --out, with a usage hint", async () => {
    const result = await run(["train", "data.jsonl"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error INVALID_OPTIONS");
    expect(result.stderr).toContain("usage: seal train");
  });
});
