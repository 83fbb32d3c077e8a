import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HashingEmbedder, MemoryStore } from "../../src/index.js";
import { approveRun } from "../../src/consolidate/decisions.js";
import { adapterRootOf, tenantAdapterDir } from "../../src/memory/adapter-files.js";
import { insertManifest, insertVersion, listVersions, setVersionState } from "../../src/store/adapter-versions.js";
import { insertProbe, insertProbeResult, insertSelfEdit, insertUnit } from "../../src/store/consolidation-content.js";
import { queuedRetrain } from "../../src/store/consolidation-forget.js";
import { getRun, insertRun, updateRun } from "../../src/store/consolidation-runs.js";
import { findTenantId } from "../../src/store/tenants.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 12: what forget() does to the consolidation tables and adapter files, in the same
// transaction as the memory's deletion. The rows are written through the store's own repositories,
// as the stages write them (no model here: tests/model/forget-weights.test.ts trains for real).

const T = ["T"];

async function storeWithVersions() {
  const dir = await tempDir("seal-forget-rows-");
  const store = MemoryStore.open({ path: path.join(dir, "memory.db"), embedder: new HashingEmbedder() });
  const a = (await store.remember(T, { text: "The user's aunt Wilhelmina Vorstrand keeps ferrets.", durability: "durable" })).memory.id;
  const b = (await store.remember(T, { text: "The user's canoe is called Tidewhistle.", durability: "durable" })).memory.id;
  const c = (await store.remember(T, { text: "The user's lamp is orange.", durability: "durable" })).memory.id;
  const db = store.db;
  const tenantId = findTenantId(db, T) as number;
  const root = adapterRootOf(store.path);
  fs.mkdirSync(tenantAdapterDir(root, tenantId), { recursive: true });
  const now = Date.now();
  // v1: {b} (retired); v2: {a, b} from the base (retired); v3: {c} continued from v2 (active); v4: {c} from the base, pending.
  const version = (n: number, memoryIds: number[], parent: number | null, state: "retired" | "active" | "pending") => {
    const runId = insertRun(db, { tenantId, mode: parent ? "incremental" : "full", settingsJson: "{}", fromVersionId: null, now });
    const unitId = insertUnit(db, { runId, tenantId, subject: null, text: memoryIds.map((id) => store.get(T, id)?.text).join("\n"), memoryIds, now });
    insertSelfEdit(db, { unitId, strategy: "recall", writer: "none", sample: 0, text: `What do you know about memory ${memoryIds.join(",")}?`, answer: memoryIds.map((id) => store.get(T, id)?.text).join(" "), kept: true, filterReason: null });
    const file = path.join(`t${tenantId}`, `t${tenantId}.v000${n}.gguf`);
    fs.writeFileSync(path.join(root, file), `adapter ${n}`);
    const id = insertVersion(db, { tenantId, version: n, runId, file, sha256: "x", baseModelSha256: "x", trainingSha256: "x", parentVersionId: parent, settingsJson: "{}", now });
    insertManifest(db, id, memoryIds.map((memoryId) => ({ memoryId, unitId, replayed: false })));
    for (const memoryId of memoryIds) {
      const probeId = insertProbe(db, { tenantId, memoryId, question: `Probe about ${memoryId}?`, answer: store.get(T, memoryId)?.text.split(" ").at(-1) as string, source: "template", now });
      insertProbeResult(db, { runId, probeId, model: "candidate", role: "new", trained: false, correct: true, logProb: -1, answer: store.get(T, memoryId)?.text as string });
    }
    setVersionState(db, id, state, now);
    updateRun(db, runId, { state: state === "pending" ? "pending" : "approved", stage: state === "pending" ? "review" : "done", candidateVersionId: id }, now);
    return { id, runId, file: path.join(root, file) };
  };
  const v1 = version(1, [b], null, "retired");
  const v2 = version(2, [a, b], null, "retired");
  const v3 = version(3, [c], v2.id, "active");
  const v4 = version(4, [c], null, "pending");
  return { store, dir, db, tenantId, a, b, c, v1, v2, v3, v4 };
}

const states = (db: MemoryStore["db"], tenantId: number) => Object.fromEntries(listVersions(db, tenantId).map((version) => [version.version, version.state]));

describe("forget() and the weights", () => {
  it("taints the versions trained on the memory and those continued from them, and falls back to the newest clean one", async () => {
    const { store, db, tenantId, a, v1, v2, v3, v4 } = await storeWithVersions();
    const result = store.forget(T, a);
    // v2 holds it; v3 was continued from v2; v1 and v4 never saw it.
    expect(result).toEqual({ id: a, status: "forgotten", weights: { tainted: [3, 2], fallback: { from: 3, to: 1 } } });
    expect(states(db, tenantId)).toEqual({ 1: "active", 2: "tainted", 3: "tainted", 4: "pending" });
    expect([fs.existsSync(v1.file), fs.existsSync(v2.file), fs.existsSync(v3.file), fs.existsSync(v4.file)]).toEqual([true, false, false, true]);
    expect(db.prepare("SELECT count(*) FROM adapter_versions WHERE state = 'tainted' AND file IS NOT NULL").pluck().get()).toBe(0);
    expect(queuedRetrain(db, tenantId)).toMatchObject({ forgotten: 1 });
    store.close();
  });

  it("leaves no copy of the text in units, self-edits, probes, probe answers or reasons, and the others keep theirs", async () => {
    const { store, db, a, b } = await storeWithVersions();
    const text = store.get(T, a)?.text as string;
    store.forget(T, a);
    const dump = JSON.stringify([
      db.prepare("SELECT * FROM consolidation_units").all(),
      db.prepare("SELECT * FROM self_edits").all(),
      db.prepare("SELECT * FROM probes").all(),
      db.prepare("SELECT * FROM probe_results").all(),
      db.prepare("SELECT * FROM run_memories").all(),
      db.prepare("SELECT * FROM audit_log").all(),
      db.prepare("SELECT * FROM consolidation_runs").all(),
    ]);
    for (const word of ["Wilhelmina", "Vorstrand", "ferrets"]) expect(dump).not.toContain(word);
    expect(text).toContain("Vorstrand");
    // b was in the same unit of v2: that copy went, v1's stays (it only holds b).
    expect(dump).toContain("Tidewhistle");
    expect(store.get(T, b)?.status).toBe("active");
    store.close();
  });

  it("rejects a pending candidate trained on it; with no clean version left the base is served", async () => {
    const { store, db, tenantId, c, v4 } = await storeWithVersions();
    const result = store.forget(T, c);
    expect(result.weights).toEqual({ tainted: [4, 3], fallback: { from: 3, to: 2 } });
    expect(getRun(db, v4.runId)).toMatchObject({ state: "rejected", stage: "done" });
    expect(() => approveRun(db, v4.runId, { actor: "test" })).toThrow(/not pending/);
    const more = store.forget(T, (await store.list(T)).find((memory) => memory.text.includes("Tidewhistle"))?.id as number);
    // b is in v1 and v2: both go, and nothing clean is left.
    expect(more.weights).toEqual({ tainted: [2, 1], fallback: { from: 2, to: 0 } });
    expect(states(db, tenantId)).toEqual({ 1: "tainted", 2: "tainted", 3: "tainted", 4: "tainted" });
    expect(queuedRetrain(db, tenantId)).toMatchObject({ forgotten: 2 });
    store.close();
  });

  it("a memory no adapter holds is forgotten as before, and nothing is queued", async () => {
    const dir = await tempDir("seal-forget-rows-");
    const store = MemoryStore.open({ path: path.join(dir, "memory.db"), embedder: new HashingEmbedder() });
    const { memory } = await store.remember(T, { text: "The user's mug is green." });
    expect(store.forget(T, memory.id)).toEqual({ id: memory.id, status: "forgotten" });
    expect(queuedRetrain(store.db, findTenantId(store.db, T) as number)).toBeUndefined();
    store.close();
  });
});
