import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder, MemoryStore } from "../../src/index.js";
import { FACT_SET_B } from "../fixtures/invented-facts.js";
import { sealJson, writeChatLog } from "../helpers/consolidation-fixtures.js";
import { runSeal } from "../helpers/run-cli.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";

// Issue 12: the process is killed with SIGKILL at named places (src/config/crash-points.ts, and
// `adapter:written` in the native trainer, which kills its parent too, like a power cut) in a
// consolidation, its approval, a forget, the queued retrain and a rollback. After each kill the
// store must hold: integrity_check ok, every memory still there, and an active version whose file
// exists and matches its sha256. After each, a rerun of the same command must complete, leave no
// file that no row names, and (for a consolidation) end with the same rows as an uninterrupted run.
//
// One "chain" store walks through the points in order (each kill continues from the state the
// previous one left); at each point a copy of the killed store is rerun, so that every point's
// recovery is checked on its own. Two facts, then a third; the recall strategy (it needs no
// writer); the gate's thresholds off (the gate's verdicts are tested in consolidation-e2e.test.ts;
// here every candidate passes).

const FACTS = FACT_SET_B.slice(0, 2).map((fact) => fact.say);
const THIRD = FACT_SET_B[2] as (typeof FACT_SET_B)[number];
/** Words of the third fact that appear nowhere else in the store: a byte search for them after its forget. */
const THIRD_WORDS = ["Bertram", "harpsichord"];
const SETTINGS = [
  "--strategies", "recall",
  "--epochs", "1",
  "--settings", JSON.stringify({ selfEditMaxTokens: 24, modelProbeAttempts: 0, anchors: false, gate: { minGain: -1, minRetention: 0, maxDrift: 100, driftPrompts: 1, toolCallCheck: false, retrainOnRetentionLoss: false, answerMaxTokens: 2 } }),
];
const RUN_POINTS = ["select:start", "select:commit", "probe:middle", "probe:end", "write:middle", "write:end", "train:data", "train:spawned", "train:middle", "adapter:written", "train:renamed", "train:commit", "gate:start", "gate:middle", "gate:commit"];
const FORGET_POINTS = ["forget:commit", "forget:committed", "forget:files"];
const RETRAIN_POINTS = ["select:commit", "train:middle", "gate:commit"];

interface StoreState {
  memories: Record<number, string>;
  active: number;
}

const storeOf = (dir: string) => path.join(dir, "store.db");
const consolidateArgs = (dir: string) => ["consolidate", "--store", storeOf(dir), "--tenant", "R", ...SETTINGS];

/** What must hold right after any kill: the database is sound, no memory is lost, and the served version is whole. */
function checkAfterKill(dir: string, expected: StoreState, point: string): void {
  const db = new Database(storeOf(dir), { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true }), point).toBe("ok");
    expect(activeMemories(dir), `${point}: memories`).toEqual(expected.memories);
    const active = db.prepare("SELECT version, file, sha256 FROM adapter_versions WHERE state = 'active'").get() as { version: number; file: string | null; sha256: string } | undefined;
    expect(active?.version ?? 0, `${point}: active version`).toBe(expected.active);
    if (active) {
      expect(active.file, `${point}: active file`).not.toBeNull();
      const bytes = fs.readFileSync(path.join(`${storeOf(dir)}.adapters`, active.file as string));
      expect(createHash("sha256").update(bytes).digest("hex"), `${point}: active sha256`).toBe(active.sha256);
    }
  } finally {
    db.close();
  }
}

/** After a completed rerun: the above, and every file in the store's folders is one a row names (no temporary, no training data). */
async function checkAfterRerun(dir: string, expected: StoreState, point: string): Promise<void> {
  checkAfterKill(dir, expected, point);
  const db = new Database(storeOf(dir), { readonly: true });
  const named = (db.prepare("SELECT file FROM adapter_versions WHERE file IS NOT NULL").pluck().all() as string[]).sort();
  db.close();
  expect(await listFiles(`${storeOf(dir)}.adapters`), `${point}: adapter files`).toEqual(named);
  const indexFiles = await listFiles(`${storeOf(dir)}.index`);
  expect(indexFiles.filter((file) => !/^tenant-\d+\.seq-\d+\.hnsw$/.test(file)), `${point}: index files`).toEqual([]);
}

function counts(dir: string): Record<string, number> {
  const db = new Database(storeOf(dir), { readonly: true });
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

function activeMemories(dir: string): Record<number, string> {
  const db = new Database(storeOf(dir), { readonly: true });
  try {
    return Object.fromEntries((db.prepare("SELECT id, text FROM memories WHERE status = 'active' ORDER BY id").all() as Array<{ id: number; text: string }>).map((row) => [row.id, row.text]));
  } finally {
    db.close();
  }
}

/** Runs `seal …` with the kill armed at `point` and checks that it was killed there (not that it failed some other way). */
async function killAt(point: string, args: string[]): Promise<void> {
  const result = await runSeal(args, { SEAL_CRASH_AT: point });
  expect(result.signal, `${point}: exit ${result.code}\n${result.stdout}\n${result.stderr}`).toBe("SIGKILL");
}

/** Files under `dir` holding any of `words` (as UTF-8 bytes, any case). */
async function filesHolding(dir: string, words: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await listFiles(dir)) {
    const bytes = fs.readFileSync(path.join(dir, file)).toString("latin1").toLowerCase();
    if (words.some((word) => bytes.includes(word.toLowerCase()))) hits.push(file);
  }
  return hits;
}

let root: string;
let chain: string;
const recovered: string[] = [];
let copies = 0;
/** A copy of the chain store, to rerun one point's recovery on. */
function copyOfChain(): string {
  const copy = path.join(root, `copy-${++copies}`);
  fs.cpSync(chain, copy, { recursive: true });
  return copy;
}

beforeAll(async () => {
  root = await tempDir("seal-crash-", "file");
  chain = path.join(root, "chain");
  fs.mkdirSync(chain);
  MemoryStore.open({ path: storeOf(chain), embedder: new HashingEmbedder() }).close();
  await sealJson(["memories", "import", await writeChatLog(path.join(root, "first.jsonl"), FACTS), "--store", storeOf(chain), "--tenant", "R"]);
  const first = await sealJson<{ tenants: Array<{ runId: number; state: string }> }>(consolidateArgs(chain));
  expect(first.tenants[0]?.state).toBe("pending");
  await sealJson(["review", "approve", String(first.tenants[0]?.runId), "--store", storeOf(chain)]);
  await sealJson(["memories", "import", await writeChatLog(path.join(root, "third.jsonl"), [THIRD.say]), "--store", storeOf(chain), "--tenant", "R"]);
}, 600_000);

describe("crash points: SIGKILL, then a rerun (issue 12)", () => {
  let runId = 0;
  let thirdId = 0;

  it("a consolidation killed at each of 15 places resumes, each time to the same rows", { timeout: 1_800_000 }, async () => {
    const memories = activeMemories(chain);
    const before: StoreState = { memories, active: 1 };
    const rerunCounts = new Map<string, Record<string, number>>();

    for (const point of RUN_POINTS) {
      await killAt(point, [...consolidateArgs(chain), "--json"]);
      checkAfterKill(chain, before, point);
      const copy = copyOfChain();
      const rerun = await sealJson<{ tenants: Array<{ runId: number; state: string; resumed: boolean }> }>(consolidateArgs(copy));
      expect(rerun.tenants[0], point).toMatchObject({ state: "pending", resumed: true });
      rerunCounts.set(point, counts(copy));
      await checkAfterRerun(copy, before, point);
      recovered.push(`consolidate ${point}`);
      fs.rmSync(copy, { recursive: true, force: true });
    }
    const finished = await sealJson<{ tenants: Array<{ runId: number; state: string }> }>(consolidateArgs(chain));
    expect(finished.tenants[0]?.state).toBe("pending");
    // The chain's run, killed 15 times and finished, and every rerun end with the rows of one run.
    const reference = counts(chain);
    expect(reference).toMatchObject({ runs: 2, versions: 2, units: 3, probes: 6 }); // as one uninterrupted run would leave: nothing doubled
    for (const [point, rows] of rerunCounts) expect(rows, point).toEqual(reference);
    runId = finished.tenants[0]?.runId as number;
    thirdId = Number(Object.entries(memories).find(([, text]) => text.includes("Bertram"))?.[0]);
    expect(thirdId).toBeGreaterThan(0);
  });

  it("an approval killed inside its transaction leaves v1 served; the rerun serves v2", { timeout: 120_000 }, async () => {
    const memories = activeMemories(chain);
    await killAt("approve:commit", ["review", "approve", String(runId), "--store", storeOf(chain), "--json"]);
    checkAfterKill(chain, { memories, active: 1 }, "approve:commit");
    await sealJson(["review", "approve", String(runId), "--store", storeOf(chain)]);
    await checkAfterRerun(chain, { memories, active: 2 }, "approve:commit");
    recovered.push("approve approve:commit");
  });

  it("a forget killed at each of 3 places finishes on the rerun: v2 tainted, v1 served, no byte of the fact left", { timeout: 300_000 }, async () => {
    const memories = activeMemories(chain);
    const without = Object.fromEntries(Object.entries(memories).filter(([id]) => Number(id) !== thirdId));
    for (const point of FORGET_POINTS) {
      const copy = copyOfChain();
      await killAt(point, ["memories", "forget", String(thirdId), "--tenant", "R", "--store", storeOf(copy), "--json"]);
      // Killed inside the transaction, nothing is forgotten; after its commit, the fact is gone and v2 with it.
      checkAfterKill(copy, point === "forget:commit" ? { memories, active: 2 } : { memories: without, active: 1 }, point);
      await sealJson(["memories", "forget", String(thirdId), "--tenant", "R", "--store", storeOf(copy)]);
      await checkAfterRerun(copy, { memories: without, active: 1 }, point);
      expect(await filesHolding(copy, THIRD_WORDS), `${point}: files holding the forgotten fact`).toEqual([]);
      recovered.push(`forget ${point}`);
      fs.rmSync(copy, { recursive: true, force: true });
    }
    await sealJson(["memories", "forget", String(thirdId), "--tenant", "R", "--store", storeOf(chain)]);
    await checkAfterRerun(chain, { memories: without, active: 1 }, "forget");
  });

  it("the queued full retrain killed at each of 3 places resumes; its approval, then a rollback killed in its transaction", { timeout: 1_200_000 }, async () => {
    const memories = activeMemories(chain);
    for (const point of RETRAIN_POINTS) {
      await killAt(point, [...consolidateArgs(chain), "--json"]);
      checkAfterKill(chain, { memories, active: 1 }, `retrain ${point}`);
      const copy = copyOfChain();
      const rerun = await sealJson<{ tenants: Array<{ state: string; gate?: { forgotten?: { memories: number; inCandidate: number } } }> }>(consolidateArgs(copy));
      expect(rerun.tenants[0]?.state, point).toBe("pending");
      expect(rerun.tenants[0]?.gate?.forgotten, point).toEqual({ memories: 1, inCandidate: 0 });
      await checkAfterRerun(copy, { memories, active: 1 }, `retrain ${point}`);
      recovered.push(`retrain ${point}`);
      fs.rmSync(copy, { recursive: true, force: true });
    }
    const finished = await sealJson<{ tenants: Array<{ runId: number; state: string }> }>(consolidateArgs(chain));
    expect(finished.tenants[0]?.state).toBe("pending");
    await sealJson(["review", "approve", String(finished.tenants[0]?.runId), "--store", storeOf(chain)]);
    await checkAfterRerun(chain, { memories, active: 3 }, "retrain approved");

    await killAt("rollback:commit", ["adapters", "rollback", "--tenant", "R", "--store", storeOf(chain), "--json"]);
    checkAfterKill(chain, { memories, active: 3 }, "rollback:commit");
    const rolled = await sealJson<{ from: number; to: number }>(["adapters", "rollback", "--tenant", "R", "--store", storeOf(chain)]);
    expect(rolled).toMatchObject({ from: 3, to: 1 }); // v2 is tainted: v1 is the newest clean earlier version
    await checkAfterRerun(chain, { memories, active: 1 }, "rollback:commit");
    recovered.push("rollback rollback:commit");

    const total = RUN_POINTS.length + 1 + FORGET_POINTS.length + RETRAIN_POINTS.length + 1;
    process.stdout.write(`crash points: ${recovered.length} of ${total} recovered\n${recovered.map((point) => `  ${point}`).join("\n")}\n`);
    expect(recovered.length).toBe(total);
    expect(total).toBeGreaterThanOrEqual(20);
  });
});
