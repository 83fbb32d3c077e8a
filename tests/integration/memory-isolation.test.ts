import path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/memory/memory-store.js";
import { HashingEmbedder } from "../../src/vector/hashing-embedder.js";
import { tempDir } from "../helpers/temp-dir.js";

/** A seeded generator, so that a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe("tenant isolation (property)", () => {
  it("10,000 random operations over 5 tenants: no result of one tenant ever appears for another", { timeout: 300_000 }, async () => {
    const dir = await tempDir("seal-isolation-");
    const store = MemoryStore.open({ path: path.join(dir, "memory.db"), embedder: new HashingEmbedder(), persistEvery: 2500 });
    const random = prng(20261125);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    // Shared vocabulary: every tenant's memories match every tenant's queries, so only the tenant
    // filter can keep them apart.
    const vocabulary = ["river", "garden", "piano", "coffee", "mountain", "train", "letter", "winter", "lamp", "orchard", "violin", "harbor"];
    const tenants = ["alice", "bob", "carol", "dave", "erin"].map((user, index) => (index % 2 ? [user, "agent", `session-${index}`] : [user]));
    const owned = new Map<string, number[]>(tenants.map((tenant) => [tenant.join("/"), []]));
    const counts = { remember: 0, put: 0, search: 0, forget: 0, get: 0, results: 0 };

    for (let op = 0; op < 10_000; op++) {
      const tenant = pick(tenants);
      const key = tenant.join("/");
      const roll = random();
      if (roll < 0.4) {
        const text = `${key} ${Array.from({ length: 4 }, () => pick(vocabulary)).join(" ")} ${op}`;
        const result = await store.remember(tenant, { text });
        owned.get(key)?.push(result.memory.id);
        counts.remember++;
      } else if (roll < 0.5) {
        const record = await store.putItem(tenant, `item-${Math.floor(random() * 20)}`, { text: `${key} ${pick(vocabulary)}` }, `${key} ${pick(vocabulary)} ${op}`);
        owned.get(key)?.push(record.id);
        counts.put++;
      } else if (roll < 0.9) {
        if (!owned.get(key)?.length) continue;
        const asOf = random() < 0.2 ? new Date(Date.now() - Math.floor(random() * 5000)) : undefined;
        const hits = await store.search(tenant, `${pick(vocabulary)} ${pick(vocabulary)}`, { limit: 10, ...(asOf ? { asOf } : {}) });
        for (const hit of hits) {
          expect(hit.memory.namespace).toEqual(tenant);
          expect(hit.memory.text.startsWith(`${key} `), `${key} got "${hit.memory.text}"`).toBe(true);
          expect(owned.get(key)).toContain(hit.memory.id);
        }
        counts.search++;
        counts.results += hits.length;
      } else if (roll < 0.95) {
        const ids = owned.get(key) ?? [];
        const victim = ids[Math.floor(random() * ids.length)];
        if (victim !== undefined && store.get(tenant, victim)?.status !== "deleted") store.forget(tenant, victim);
        counts.forget++;
      } else {
        // another tenant's id, asked for under this tenant: never visible
        const other = pick(tenants.filter((candidate) => candidate !== tenant));
        const foreign = owned.get(other.join("/")) ?? [];
        const id = foreign[Math.floor(random() * foreign.length)];
        if (id !== undefined && owned.get(key)?.length) expect(store.get(tenant, id)).toBeUndefined();
        counts.get++;
      }
    }
    store.close();
    expect(counts.results).toBeGreaterThan(10_000); // searches really returned things
    expect(counts.remember + counts.put + counts.search + counts.forget + counts.get).toBeGreaterThan(9_000);
  });
});
