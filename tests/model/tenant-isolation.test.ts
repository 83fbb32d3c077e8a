import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeAdapters, approveRun, consolidate, generateChatTurn, HashingEmbedder, MemoryStore, SealRuntime, type SelectionPolicy } from "../../src/index.js";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { findTenantId } from "../../src/store/tenants.js";
import { readGgufFileInfo } from "node-llama-cpp";
import { codeOf } from "../helpers/error-code.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 12: a seeded random sequence of 10,000 operations (remember, search, forget, a forget of
// another tenant's id, consolidate, approve, ask) over 5 tenants in one store, on the real model
// and trainer. Every result, probe, self-edit and adapter is checked against the tenant that asked:
// the count of anything of another tenant returned or used must be 0.
//
// All tenants draw their words from one vocabulary, so that a search that leaked across tenants
// would find the others' memories. Each consolidation bakes the tenant's 3 newest memories (a
// selection policy passed in, as a user's plugin would be) with short settings; its gate's
// thresholds are off (every candidate passes and is approved).

const TENANTS = [["alice"], ["bob"], ["carol", "agent"], ["dave", "s1"], ["erin"]] as const;
const OPERATIONS = 10_000;
const SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ta", "vo", "ri", "pe", "zu", "ha", "gi"];

let seed = 20261202;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const word = () => `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}`;

/** The 3 newest active memories that are not baked yet. */
const newestThree: SelectionPolicy = {
  name: "newest-three",
  decide(memories) {
    const fresh = memories.filter((input) => !input.baked).map((input) => input.memory.id).sort((a, b) => b - a).slice(0, 3);
    return memories.map((input) => ({ memoryId: input.memory.id, decision: fresh.includes(input.memory.id) ? "selected" : "skipped", reason: fresh.includes(input.memory.id) ? "newest" : "older" }));
  },
};
const SETTINGS = { strategies: ["recall"] as [string], anchors: false, modelProbeAttempts: 0, training: { epochs: 1, packTokens: 512 }, gate: { minGain: -1, minRetention: 0, maxDrift: 100, driftPrompts: 1, toolCallCheck: false, retrainOnRetentionLoss: false, answerMaxTokens: 8 } };

let dir: string;
let store: MemoryStore;
let runtime: SealRuntime;
beforeAll(async () => {
  dir = await tempDir("seal-isolation-", "file");
  store = MemoryStore.open({ path: path.join(dir, "store.db"), embedder: new HashingEmbedder() });
  runtime = await SealRuntime.load({ modelPath: (await ensureModel()).path });
}, 600_000);
afterAll(async () => {
  store?.close();
  await runtime?.dispose();
});

describe("tenant isolation over 10,000 random operations (issue 12)", () => {
  it("0 results, probes, self-edits or adapters of another tenant returned or used", { timeout: 1_500_000 }, async () => {
    const owner = new Map<number, number>(); // memory id -> tenant index
    const live: number[][] = TENANTS.map(() => []);
    const counts: Record<string, number> = {};
    const leaks: string[] = [];
    const leak = (what: string) => leaks.length < 20 && leaks.push(what);
    const packedAdapters: Array<string | undefined> = [];
    const tenantIds = () => TENANTS.map((namespace) => findTenantId(store.db, [...namespace]));

    /** Everything a run of tenant `index` stored names only that tenant's memories. */
    const checkRun = (index: number, runId: number) => {
      const tenantId = tenantIds()[index];
      const db = store.db;
      const foreign = (ids: number[], what: string) => ids.filter((id) => owner.get(id) !== index).forEach((id) => leak(`${what} of run ${runId} (tenant ${index}) names memory ${id} of tenant ${owner.get(id)}`));
      foreign(db.prepare("SELECT memory_id FROM run_memories WHERE run_id = ?").pluck().all(runId) as number[], "a selection");
      foreign(db.prepare("SELECT um.memory_id FROM unit_memories um JOIN consolidation_units u ON u.id = um.unit_id WHERE u.run_id = ?").pluck().all(runId) as number[], "a unit");
      foreign(db.prepare("SELECT p.memory_id FROM probes p JOIN probe_results r ON r.probe_id = p.id WHERE r.run_id = ?").pluck().all(runId) as number[], "a probe answered");
      foreign(db.prepare("SELECT memory_id FROM adapter_manifest m JOIN adapter_versions v ON v.id = m.version_id WHERE v.run_id = ?").pluck().all(runId) as number[], "a manifest");
      const units = db.prepare("SELECT DISTINCT tenant_id FROM consolidation_units WHERE run_id = ?").pluck().all(runId) as number[];
      if (units.some((id) => id !== tenantId)) leak(`units of run ${runId} belong to tenants ${units.join(",")}`);
      const edits = db.prepare("SELECT COUNT(*) FROM self_edits e JOIN consolidation_units u ON u.id = e.unit_id WHERE u.run_id = ? AND u.tenant_id != ?").pluck().get(runId, tenantId) as number;
      if (edits > 0) leak(`${edits} self-edits of run ${runId} are in another tenant's units`);
    };

    const activeVersions = () => JSON.stringify(store.db.prepare("SELECT tenant_id, version FROM adapter_versions WHERE state = 'active' ORDER BY tenant_id").all());
    for (let op = 0; op < OPERATIONS; op++) {
      // A consolidation every 2,000 operations, each tenant in turn; the rest at random.
      const consolidating = op % 2000 === 1999;
      const index = consolidating ? Math.floor(op / 2000) : Math.floor(random() * TENANTS.length);
      const namespace = [...(TENANTS[index] as readonly string[])];
      const roll = random();
      const kind = consolidating ? "consolidate" : roll < 0.45 ? "remember" : roll < 0.85 ? "search" : roll < 0.93 ? "forget" : roll < 0.99 ? "forget-foreign" : "ask";
      counts[kind] = (counts[kind] ?? 0) + 1;
      if (kind === "remember") {
        const result = await store.remember(namespace, { text: `Note ${op}: ${word()} ${word()} ${word()} ${word()}.`, durability: "durable" });
        if (owner.has(result.memory.id) && owner.get(result.memory.id) !== index) leak(`remember in tenant ${index} returned memory ${result.memory.id} of tenant ${owner.get(result.memory.id)}`);
        owner.set(result.memory.id, index);
        if (!(live[index] as number[]).includes(result.memory.id)) (live[index] as number[]).push(result.memory.id);
        if (result.relatedId !== undefined && owner.get(result.relatedId) !== index) leak(`remember in tenant ${index} related to memory ${result.relatedId} of tenant ${owner.get(result.relatedId)}`);
      } else if (kind === "search") {
        for (const hit of await store.search(namespace, `${word()} ${word()}`, { limit: 10 })) if (owner.get(hit.memory.id) !== index) leak(`search in tenant ${index} returned memory ${hit.memory.id} of tenant ${owner.get(hit.memory.id)}`);
      } else if (kind === "forget") {
        const ids = live[index] as number[];
        if (ids.length === 0) continue;
        const id = ids.splice(Math.floor(random() * ids.length), 1)[0] as number;
        // A baked memory taints its tenant's versions; no other tenant's served version may move.
        const others = () => JSON.parse(activeVersions()).filter((row: { tenant_id: number }) => row.tenant_id !== tenantIds()[index]);
        const before = JSON.stringify(others());
        const result = store.forget(namespace, id);
        if (JSON.stringify(others()) !== before) leak(`forgetting memory ${id} of tenant ${index} (tainted ${JSON.stringify(result.weights?.tainted)}) changed another tenant's active version`);
      } else if (kind === "forget-foreign") {
        const other = (index + 1 + Math.floor(random() * (TENANTS.length - 1))) % TENANTS.length;
        const id = (live[other] as number[])[0];
        if (id === undefined) continue;
        const code = await codeOf(Promise.resolve().then(() => store.forget(namespace, id)));
        if (code !== "MEMORY_NOT_FOUND" && code !== "TENANT_NOT_FOUND") leak(`tenant ${index} forgetting memory ${id} of tenant ${other}: ${code}`);
        if (store.get([...(TENANTS[other] as readonly string[])], id)?.status !== "active") leak(`memory ${id} of tenant ${other} is gone after tenant ${index} tried to forget it`);
      } else if (kind === "consolidate") {
        const result = await consolidate(store, runtime, namespace, { selection: newestThree, settings: SETTINGS });
        if (result.state !== "pending") leak(`consolidation of tenant ${index} ended ${result.state}: ${JSON.stringify(result.gate?.failures)}`);
        checkRun(index, result.runId);
        approveRun(store.db, result.runId, { actor: "isolation-test" });
        // training.packTokens reaches the trainer (packed runs are what keeps this test short)
        for (const adapter of await activeAdapters(store, namespace)) packedAdapters.push(((await readGgufFileInfo(adapter.filePath)).metadata as unknown as { seal: { train: { pack_tokens?: string } } }).seal.train.pack_tokens);
      } else {
        // ask: what the middleware would put in the prompt, and the adapter it would serve.
        const hits = await store.search(namespace, `${word()} ${word()}`, { limit: 3 });
        for (const hit of hits) if (owner.get(hit.memory.id) !== index) leak(`ask in tenant ${index} retrieved memory ${hit.memory.id} of tenant ${owner.get(hit.memory.id)}`);
        const adapters = await activeAdapters(store, namespace);
        const tenantId = tenantIds()[index];
        for (const adapter of adapters) if (!adapter.filePath.includes(`${path.sep}t${tenantId}${path.sep}`)) leak(`ask in tenant ${index} served ${adapter.filePath}`);
        const context = await runtime.createContext({ contextSize: 512, adapters });
        try {
          await generateChatTurn(context, [{ type: "user", text: `Memories:\n${hits.map((hit) => hit.memory.text).join("\n")}\n\nWhat is note ${op}?` }], { maxTokens: 2 });
        } finally {
          await context.dispose();
        }
      }
    }

    // Every version and its file belong to the tenant whose folder holds it.
    const versions = store.db.prepare("SELECT tenant_id, file FROM adapter_versions WHERE file IS NOT NULL").all() as Array<{ tenant_id: number; file: string }>;
    for (const version of versions) if (!version.file.startsWith(`t${version.tenant_id}${path.sep}`)) leak(`version of tenant ${version.tenant_id} has file ${version.file}`);
    const activeCount = store.db.prepare("SELECT COUNT(*) FROM adapter_versions WHERE state = 'active'").pluck().get() as number;
    const tainted = store.db.prepare("SELECT COUNT(*) FROM adapter_versions WHERE state = 'tainted'").pluck().get() as number;
    process.stdout.write(`isolation: ${OPERATIONS} operations ${JSON.stringify(counts)}; ${activeCount} tenants served an adapter at the end, ${tainted} versions tainted by forgets; ${leaks.length} leaks\n`);
    expect(leaks).toEqual([]);
    expect(packedAdapters.length).toBeGreaterThan(0);
    expect(new Set(packedAdapters)).toEqual(new Set(["512"]));
    expect(counts.consolidate).toBe(TENANTS.length);
  });
});
