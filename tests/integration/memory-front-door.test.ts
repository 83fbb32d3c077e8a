import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createMemoryTools, formatMemoryBlock, MemoryStore, modelExtractor, rememberInteraction, sentenceExtractor, statementRules, type MemoryExtractor, type RememberInput } from "../../src/index.js";
import { HashingEmbedder } from "../../src/vector/hashing-embedder.js";
import { codeOf } from "../helpers/error-code.js";
import { tempDir } from "../helpers/temp-dir.js";

const USER = ["ana"];

async function open(options: { now?: () => number } = {}): Promise<MemoryStore> {
  const dir = await tempDir("seal-front-door-");
  return MemoryStore.open({ path: path.join(dir, "memory.db"), embedder: new HashingEmbedder(), ...options });
}

async function say(store: MemoryStore, user: string, namespace: readonly string[] = USER) {
  return rememberInteraction(store, namespace, sentenceExtractor, { user });
}

describe("updates from what the user says (issue 10, defects 2 and 3)", () => {
  it("a move supersedes the old home, so 'Where do I live?' finds the new one", async () => {
    const store = await open();
    await say(store, "I live in Porto.");
    const [moved] = await say(store, "I moved to Lyon.");
    expect(moved?.action).toBe("update");
    expect(store.list(USER).map((memory) => memory.text)).toEqual(["The user lives in Lyon."]);
    const hits = await store.search(USER, "Where do I live?");
    expect(hits[0]?.memory.text).toBe("The user lives in Lyon.");
    expect(hits.map((hit) => hit.memory.text)).not.toContain("The user lives in Porto.");
    store.close();
  });

  it("'no longer' ends the old fact", async () => {
    const store = await open();
    await say(store, "I live in Porto.");
    await say(store, "I no longer live in Porto, I live in Lyon now.");
    expect(store.list(USER).map((memory) => memory.text).sort()).toEqual(["The user lives in Lyon.", "The user no longer lives in Porto."]);
    store.close();
  });

  it("a fact restated after a contradiction reinforces the one already there", async () => {
    const store = await open();
    const actions = [];
    for (const text of ["The user's favourite tea is sencha.", "The user's favourite tea is not sencha.", "The user's favourite tea is sencha."]) actions.push((await store.remember(USER, { text })).action);
    expect(actions).toEqual(["add", "contradict", "reinforce"]);
    const texts = store.list(USER).map((memory) => memory.text);
    expect(texts).toEqual(["The user's favourite tea is sencha.", "The user's favourite tea is not sencha."]);
    expect(new Set((await store.search(USER, "favourite tea sencha", { limit: 10 })).map((hit) => hit.memory.text)).size).toBe(2);
    store.close();
  });

  it("extraction says volatile, and a volatile memory expires", async () => {
    let now = Date.parse("2026-12-01T09:00:00Z");
    const store = await open({ now: () => now });
    const [red] = await say(store, "The build is red right now.");
    expect(red?.memory).toMatchObject({ durability: "volatile" });
    expect(red?.memory.expiresAt?.getTime()).toBe(now + 7 * 24 * 3600 * 1000);
    await say(store, "I live in Porto.");
    now += 8 * 24 * 3600 * 1000;
    expect(store.list(USER).map((memory) => memory.text)).toEqual(["The user lives in Porto."]);
    expect((await store.search(USER, "build red")).map((hit) => hit.memory.text)).not.toContain("The build is red right now.");
    expect(store.purgeExpired(USER)).toBe(1);
    expect(store.get(USER, red!.memory.id)?.status).toBe("deleted");
    store.close();
  });
});

describe("the turn never fails on what the user wrote (issue 10, defect 5)", () => {
  it("a 9.5 KB message is recorded (episode kept) and an unstorable candidate is skipped", async () => {
    const store = await open();
    const message = `I live in Porto. ${"This is a long pasted log line with many words in it. ".repeat(180)}`;
    expect(Buffer.byteLength(message)).toBeGreaterThan(9500);
    const results = await say(store, message);
    expect(results.map((result) => result.memory.text)).toContain("The user lives in Porto.");

    const skipped: RememberInput[] = [];
    const greedy: MemoryExtractor = { name: "greedy", extract: async (interaction) => [{ text: interaction.user }, { text: "The user likes tea." }] };
    const stored = await rememberInteraction(store, USER, greedy, { user: message }, { onSkipped: (candidate) => skipped.push(candidate) });
    expect(skipped).toHaveLength(1);
    expect(stored.map((result) => result.memory.text)).toEqual(["The user likes tea."]);
    // an episode over the limit is kept, cut at the limit
    const huge = "I live in Porto. ".repeat(10_000);
    await expect(say(store, huge)).resolves.toBeDefined();
    store.close();
  });
});

describe("the memory API as users expect it (issue 10, friction)", () => {
  it("forget says when the memory was already gone; update keeps history; forgetTenant empties a tenant", async () => {
    const store = await open();
    const { memory } = await store.remember(USER, { text: "The user plays the cello." });
    expect(store.forget(USER, memory.id)).toEqual({ id: memory.id, status: "forgotten" });
    expect(store.forget(USER, memory.id)).toEqual({ id: memory.id, status: "already-deleted" });
    expect(await codeOf(Promise.resolve().then(() => store.forget(["nobody"], memory.id)))).toBe("MEMORY_NOT_FOUND");

    const first = await store.remember(USER, { text: "The user works at Acme." });
    const updated = await store.update(USER, first.memory.id, { text: "The user works at Initech." });
    expect(updated.action).toBe("update");
    expect(store.list(USER).map((record) => record.text)).toEqual(["The user works at Initech."]);
    expect(store.get(USER, first.memory.id)).toMatchObject({ status: "superseded", supersededBy: updated.memory.id });
    expect(await codeOf(store.update(USER, first.memory.id, { text: "again" }))).toBe("MEMORY_NOT_FOUND");

    await store.remember(["bob"], { text: "Bob likes chess." });
    await say(store, "My sister lives in Berlin.");
    expect(store.forgetTenant(USER)).toMatchObject({ memories: 3 }); // the superseded Acme one too
    expect(store.list(USER)).toEqual([]);
    expect(await store.search(USER, "Initech Berlin")).toEqual([]);
    expect(store.list(["bob"]).map((record) => record.text)).toEqual(["Bob likes chess."]);
    const episodes = store.db.prepare("SELECT COUNT(*) FROM episodes WHERE content IS NOT NULL AND tenant_id = (SELECT id FROM tenants WHERE namespace = 'ana')").pluck().get();
    expect(episodes).toBe(0);
    store.close();
  });

  it("the memory block carries no annotation for a small model to copy", async () => {
    const store = await open();
    await store.remember(USER, { text: "The user lives in Lisbon." });
    const block = formatMemoryBlock(await store.search(USER, "Lisbon"));
    expect(block).toContain("- The user lives in Lisbon.\n");
    expect(block).not.toMatch(/recorded \d{4}/);
    store.close();
  });

  it("the built-in plugins are exported, from the entry and from seal-memory/plugins/memory-rules", async () => {
    expect(typeof modelExtractor).toBe("function");
    expect(sentenceExtractor.name).toBe("sentence-extractor");
    expect(statementRules.name).toBe("statement-rules");
    const manifest = JSON.parse(fs.readFileSync(path.resolve("package.json"), "utf8")) as { exports: Record<string, { import: string }> };
    expect(manifest.exports["./plugins/memory-rules"]?.import).toBe("./dist/plugins/memory-rules/index.js");
    const plugins = (await import("../../plugins/memory-rules/index.js")) as Record<string, unknown>;
    expect(Object.keys(plugins)).toEqual(expect.arrayContaining(["modelExtractor", "sentenceExtractor", "statementRules"]));
  });
});

describe("memory tools for the agent (issue 10, LangMem-style)", () => {
  it("manage_memory and search_memory work on the run's tenant only", async () => {
    const store = await open();
    const [manage, search] = createMemoryTools({ store, namespace: (context) => [context.userId as string] });
    const asAna = { context: { userId: "ana" } };
    const asBob = { context: { userId: "bob" } };
    expect(await manage.invoke({ action: "create", content: "The user keeps bees." }, asAna)).toMatch(/^created memory \d+$/);
    const id = Number(/(\d+)$/.exec(String(await manage.invoke({ action: "create", content: "The user owns a red kayak." }, asAna)))?.[1]);
    const found = JSON.parse(String(await search.invoke({ query: "kayak" }, asAna))) as Array<{ id: number; text: string }>;
    expect(found[0]).toMatchObject({ id, text: "The user owns a red kayak." });
    // bob cannot see or touch ana's memories, even by id
    expect(JSON.parse(String(await search.invoke({ query: "kayak" }, asBob)))).toEqual([]);
    expect(await manage.invoke({ action: "delete", id }, asBob)).toMatch(/^error MEMORY_NOT_FOUND/);
    const updated = String(await manage.invoke({ action: "update", id, content: "The user owns a blue kayak." }, asAna));
    expect(updated).toMatch(/^updated memory \d+: it is now memory \d+$/);
    expect(await manage.invoke({ action: "delete", id: Number(/(\d+)$/.exec(updated)?.[1]) }, asAna)).toMatch(/^deleted memory/);
    expect(store.list(["ana"]).map((memory) => memory.text)).toEqual(["The user keeps bees."]);
    expect(await codeOf(manage.invoke({ action: "create", content: "x" }, { context: {} }))).toBe("TENANT_INVALID");
    store.close();
  });
});
