import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder, MemoryStore } from "../../src/index.js";
import { FACT_SET_B } from "../fixtures/invented-facts.js";
import { sealJson, writeChatLog } from "../helpers/consolidation-fixtures.js";
import { runSeal } from "../helpers/run-cli.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";

// Resume after SIGKILL in every stage, on the real model and trainer (the gate's two ways are in
// consolidation-e2e.test.ts). The student-written qa strategy is added so that the write stage
// samples the model. Two facts and short self-edits keep the nine passes over the run short. The
// candidate must pass the gate (a rejected one leaves no file to check): with the anchors on and
// the tool-call check off (it rejected this 2-fact candidate, 5 of 8 calls against 7), it does.

async function storeWith(dir: string, name: string, tenant: string, lines: readonly string[]): Promise<string> {
  const file = path.join(dir, `${name}.db`);
  MemoryStore.open({ path: file, embedder: new HashingEmbedder() }).close();
  await sealJson(["memories", "import", await writeChatLog(path.join(dir, `${name}.jsonl`), lines), "--store", file, "--tenant", tenant]);
  return file;
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir("seal-resume-", "file");
});

describe("resume after SIGKILL (issue 11)", () => {
  const CRASH_POINTS = ["select:commit", "probe:middle", "probe:end", "write:middle", "train:middle", "train:renamed", "gate:middle", "gate:commit"];
  const SETTINGS = ["--strategies", "recall,qa", "--epochs", "2", "--settings", JSON.stringify({ selfEditMaxTokens: 64, gate: { toolCallCheck: false } })];

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
    const killed = await storeWith(dir, "killed", "R", FACT_SET_B.slice(0, 2).map((fact) => fact.say));
    const reference = path.join(dir, "reference.db");
    fs.copyFileSync(killed, reference);
    const uninterrupted = await sealJson<{ tenants: Array<{ state: string; gate?: unknown }> }>(["consolidate", "--store", reference, "--tenant", "R", ...SETTINGS]);
    expect(uninterrupted.tenants[0]?.state, JSON.stringify(uninterrupted.tenants[0]?.gate)).toBe("pending");

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
