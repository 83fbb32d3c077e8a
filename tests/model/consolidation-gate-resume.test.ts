import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder, MemoryStore } from "../../src/index.js";
import { FACT_SET_B, FACT_SET_C } from "../fixtures/invented-facts.js";
import { sealJson, writeChatLog } from "../helpers/consolidation-fixtures.js";
import { runSeal } from "../helpers/run-cli.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";

// The gate both ways, and resume after SIGKILL in every stage, on the real model and trainer.
// The resume test adds the student-written qa strategy, so the write stage samples the model.

const QUICK: string[] = []; // the default settings (recall, 3 epochs)

async function storeWith(dir: string, name: string, tenant: string, lines: readonly string[]): Promise<string> {
  const file = path.join(dir, `${name}.db`);
  MemoryStore.open({ path: file, embedder: new HashingEmbedder() }).close();
  await sealJson(["memories", "import", await writeChatLog(path.join(dir, `${name}.jsonl`), lines), "--store", file, "--tenant", tenant]);
  return file;
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir("seal-gate-resume-", "file");
});

describe("the gate (issue 11)", () => {
  it("passes a normal run and rejects one trained at 30x the learning rate, leaving the active version as it was", { timeout: 900_000 }, async () => {
    const store = await storeWith(dir, "gate", "G", FACT_SET_B.map((fact) => fact.say));
    const normal = await sealJson<{ tenants: Array<{ runId: number; state: string; gate: { passed: boolean; drift: { value: number } } }> }>(["consolidate", "--store", store, "--tenant", "G", ...QUICK]);
    expect(normal.tenants[0]?.state, JSON.stringify(normal.tenants[0]?.gate)).toBe("pending");
    await sealJson(["review", "approve", String(normal.tenants[0]?.runId), "--store", store, "--actor", "test"]);

    await sealJson(["memories", "import", await writeChatLog(path.join(dir, "gate-more.jsonl"), FACT_SET_C.map((fact) => fact.say)), "--store", store, "--tenant", "G"]);
    const damaged = await sealJson<{ tenants: Array<{ state: string; gate?: { passed: boolean; failures: string[]; drift?: { value: number }; thresholds: { maxDrift: number } } }> }>(["consolidate", "--store", store, "--tenant", "G", ...QUICK, "--lr", "3e-2"]);
    const gate = damaged.tenants[0]?.gate;
    process.stdout.write(`normal run drift ${normal.tenants[0]?.gate.drift.value}; lr x30: ${JSON.stringify(gate)}\n`);
    expect(damaged.tenants[0]?.state, JSON.stringify(gate)).toBe("rejected");
    // Either the gate measured the damage, or the loss blew up first (also a rejection with its reason).
    if (gate?.drift) {
      expect(gate.drift.value).toBeGreaterThan(gate.thresholds.maxDrift);
      expect(gate.drift.value).toBeGreaterThan(normal.tenants[0]?.gate.drift.value as number);
    } else expect(gate?.failures.join(" ")).toMatch(/diverged/);
    const adapters = await sealJson<{ tenants: Array<{ activeVersion: number; versions: Array<{ version: number; state: string }> }> }>(["adapters", "--store", store, "--tenant", "G"]);
    expect(adapters.tenants[0]?.activeVersion).toBe(1);
    // A candidate the gate rejected keeps its row as `rejected`; one whose training diverged never had a file or a row.
    for (const version of adapters.tenants[0]?.versions ?? []) if (version.version !== 1) expect(version.state).toBe("rejected");
  });
});

describe("resume after SIGKILL (issue 11)", () => {
  const CRASH_POINTS = ["select:commit", "probe:middle", "probe:end", "write:middle", "train:middle", "train:renamed", "gate:middle", "gate:commit"];
  const SETTINGS = ["--strategies", "recall,qa", "--epochs", "2"];

  function counts(file: string): Record<string, number> {
    const db = new Database(file, { readonly: true });
    try {
      const one = (sql: string) => db.prepare(sql).pluck().get() as number;
      return {
        units: one("SELECT COUNT(*) FROM consolidation_units"),
        selfEdits: one("SELECT COUNT(*) FROM self_edits"),
        keptSelfEdits: one("SELECT COUNT(*) FROM self_edits WHERE kept = 1"),
        probes: one("SELECT COUNT(*) FROM probes"),
        runMemories: one("SELECT COUNT(*) FROM run_memories"),
        versions: one("SELECT COUNT(*) FROM adapter_versions"),
        runs: one("SELECT COUNT(*) FROM consolidation_runs"),
      };
    } finally {
      db.close();
    }
  }

  it("a run killed in each stage and rerun ends like an uninterrupted one, with no file that no row names", { timeout: 1_200_000 }, async () => {
    const killed = await storeWith(dir, "killed", "R", FACT_SET_B.slice(0, 3).map((fact) => fact.say));
    const reference = path.join(dir, "reference.db");
    fs.copyFileSync(killed, reference);
    const uninterrupted = await sealJson<{ tenants: Array<{ state: string }> }>(["consolidate", "--store", reference, "--tenant", "R", ...SETTINGS]);
    expect(uninterrupted.tenants[0]?.state).toBe("pending");

    for (const point of CRASH_POINTS) {
      const result = await runSeal(["consolidate", "--store", killed, "--tenant", "R", ...SETTINGS, "--json"], { SEAL_CRASH_AT: point });
      expect(result.code, `${point}: ${result.stdout}${result.stderr}`).not.toBe(0); // killed by SIGKILL at the point
      const db = new Database(killed, { readonly: true });
      expect(db.pragma("integrity_check", { simple: true }), point).toBe("ok");
      db.close();
    }
    const resumed = await sealJson<{ tenants: Array<{ state: string; resumed: boolean }> }>(["consolidate", "--store", killed, "--tenant", "R", ...SETTINGS]);
    expect(resumed.tenants[0]).toMatchObject({ state: "pending", resumed: true });
    expect(counts(killed)).toEqual(counts(reference));

    // Every file in the adapter folder is one a row names.
    const named = new Database(killed, { readonly: true }).prepare("SELECT file FROM adapter_versions WHERE file IS NOT NULL").pluck().all() as string[];
    expect(await listFiles(`${killed}.adapters`)).toEqual(named.sort());
  });
});
