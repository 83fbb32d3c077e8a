import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { HashingEmbedder, MemoryStore } from "../../src/index.js";
import { FACT_SET_B } from "../fixtures/invented-facts.js";
import { sealJson, writeChatLog } from "../helpers/consolidation-fixtures.js";
import { sealBin } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 12: four processes remember 1,000 memories each into the tenant that a fifth process is
// consolidating at the same time (the real model and trainer). Every write must land once, none
// may surface SQLITE_BUSY, and the consolidation must finish as it would alone.

const run = promisify(execFile);
const worker = path.resolve("tests/integration/workers/concurrent-writer.mjs");
const SETTINGS = JSON.stringify({ selfEditMaxTokens: 48, modelProbeAttempts: 0, anchors: false, gate: { minGain: -1, minRetention: 0, maxDrift: 100, driftPrompts: 1, toolCallCheck: false, answerMaxTokens: 12 } });

describe("concurrent writers while a consolidation runs (issue 12)", () => {
  it("4 × 1,000 remembers into the tenant being consolidated: 4,000 stored once each, no SQLITE_BUSY, the run pending", { timeout: 900_000 }, async () => {
    const dir = await tempDir("seal-concurrent-consolidation-");
    const file = path.join(dir, "store.db");
    MemoryStore.open({ path: file, embedder: new HashingEmbedder() }).close();
    await sealJson(["memories", "import", await writeChatLog(path.join(dir, "facts.jsonl"), FACT_SET_B.slice(0, 2).map((fact) => fact.say)), "--store", file, "--tenant", "R"]);

    const consolidation = spawn(process.execPath, [sealBin, "consolidate", "--store", file, "--tenant", "R", "--strategies", "recall", "--epochs", "1", "--settings", SETTINGS, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    consolidation.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    consolidation.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => consolidation.on("exit", (code) => resolve(code)));

    // The writers start once the run exists and is working (so that they really overlap it).
    const db = new Database(file, { readonly: true });
    for (let i = 0; i < 600 && !db.prepare("SELECT 1 FROM consolidation_runs WHERE state = 'running'").get(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(db.prepare("SELECT stage FROM consolidation_runs WHERE state = 'running'").pluck().get(), stderr).toBeDefined();
    const writersStarted = Date.now();
    const results = await Promise.all([0, 1, 2, 3].map((index) => run(process.execPath, [worker, file, String(index), "1000", "R"], { maxBuffer: 1 << 20 }).then((out) => JSON.parse(out.stdout) as { ok: boolean; code?: string; message?: string })));
    const writersDone = Date.now();
    const code = await exited;
    const consolidationDone = Date.now();
    db.close();

    expect(results.filter((result) => !result.ok), JSON.stringify(results)).toEqual([]);
    expect(code, stderr).toBe(0);
    const outcome = JSON.parse(stdout) as { tenants: Array<{ state: string; selected: number }> };
    expect(outcome.tenants[0]).toMatchObject({ state: "pending", selected: 2 });

    const store = MemoryStore.open({ path: file, embedder: new HashingEmbedder() });
    const texts = store.list(["R"]).map((memory) => memory.text).filter((text) => /^w\dn\d+ /.test(text));
    store.close();
    expect(texts).toHaveLength(4000);
    expect(new Set(texts).size).toBe(4000); // none duplicated
    for (const index of [0, 1, 2, 3]) expect(texts.filter((text) => text.startsWith(`w${index}n`))).toHaveLength(1000);
    process.stdout.write(`writers ${((writersDone - writersStarted) / 1000).toFixed(1)} s; the consolidation ended ${((consolidationDone - writersStarted) / 1000).toFixed(1)} s after they started\n`);
  });
});
