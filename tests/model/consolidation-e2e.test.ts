import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeAdapters, ChatSealLlama, HashingEmbedder, MemoryStore, type SealRuntime } from "../../src/index.js";
import { containsAnswer } from "../../src/eval/squad-grading.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";
import { FACT_SET_A, FACT_SET_B, FACT_SET_C, INSTRUCTION_MEMORIES, VOLATILE_LINES } from "../fixtures/invented-facts.js";
import { askFacts, sealJson, writeChatLog } from "../helpers/consolidation-fixtures.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 11's acceptance, end to end through the CLI on the real default model and trainer. One
// store, in order: tenant A bakes 12 invented facts (and is asked before and after), tenant B bakes
// its own; a running ChatSealLlama follows approvals and a rollback; a second and third run on A
// measure retention. Each step needs the one before, so they share the file's store.

const FAST = ["--samples", "1", "--strategies", "qa"];

let runtime: SealRuntime;
let dir: string;
let store: string;
const pendingRun: Record<string, number> = {};
const accuracyAfterOwnRun: Record<string, number> = {};

beforeAll(async () => {
  runtime = await loadDefaultRuntime();
  dir = await tempDir("seal-consolidation-", "file");
  store = path.join(dir, "memory.db");
  // The CLI reopens a store with the embedder that wrote it: the hashing one keeps this test light.
  MemoryStore.open({ path: store, embedder: new HashingEmbedder() }).close();
});
afterAll(async () => {
  await runtime.dispose();
});

describe("consolidation through the CLI (issue 11)", () => {
  it("imports a chat log, selects the 12 durable facts with reasons, and skips or flags the rest", { timeout: 900_000 }, async () => {
    const logA = await writeChatLog(path.join(dir, "a.jsonl"), [...FACT_SET_A.map((fact) => fact.say), ...VOLATILE_LINES, ...INSTRUCTION_MEMORIES]);
    const imported = await sealJson<{ memories: { added: number } }>(["memories", "import", logA, "--store", store, "--tenant", "A"]);
    expect(imported.memories.added).toBe(FACT_SET_A.length + VOLATILE_LINES.length); // the extractor already refuses the instruction lines
    // Instructions can still arrive through the API or a memory tool: selection must flag them.
    const direct = MemoryStore.open({ path: store, embedder: new HashingEmbedder() });
    for (const text of INSTRUCTION_MEMORIES) await direct.remember(["A"], { text, durability: "durable", confidence: 0.9 });
    direct.close();
    await sealJson(["memories", "import", await writeChatLog(path.join(dir, "b.jsonl"), FACT_SET_B.map((fact) => fact.say)), "--store", store, "--tenant", "B"]);

    const base = await askFacts(store, "A", FACT_SET_A);
    expect(base.version).toBe(0);
    expect(base.correct, `the base model knew: ${base.answers.join(" | ")}`).toBeLessThanOrEqual(1);

    const runs = await sealJson<{ tenants: Array<{ runId: number; state: string; selected: number }> }>(["consolidate", "--store", store, "--tenant", "A", ...FAST]);
    expect(runs.tenants).toHaveLength(1);
    const [run] = runs.tenants;
    expect(run?.state, JSON.stringify(run)).toBe("pending");
    expect(run?.selected).toBe(FACT_SET_A.length);
    pendingRun.A = run?.runId as number;

    const shown = await sealJson<{ run: { memories: Array<{ text: string; decision: string; reason: string }> } }>(["review", "show", String(pendingRun.A), "--store", store]);
    const decision = (needle: string) => shown.run.memories.find((memory) => memory.text.toLowerCase().includes(needle.toLowerCase()));
    for (const fact of FACT_SET_A) expect(decision(fact.answer), fact.say).toMatchObject({ decision: "selected" });
    for (const memory of shown.run.memories) expect(memory.reason.length).toBeGreaterThan(3);
    for (const line of ["garage", "tired", "build is red"]) expect(decision(line), line).toMatchObject({ decision: "skipped", reason: expect.stringMatching(/volatile/) });
    for (const line of ["system prompt", "French"]) expect(decision(line), line).toMatchObject({ decision: "flagged" });
  });

  it("after approval the tenant's adapter answers at least 8 of the 12 without memories, and a running chat model follows", { timeout: 600_000 }, async () => {
    const memory = MemoryStore.open({ path: store, embedder: new HashingEmbedder() });
    const chat = new ChatSealLlama({ runtime, maxTokens: 24, resolveAdapters: () => activeAdapters(memory, ["A"]) });
    try {
      const question = FACT_SET_A[1]?.question as string;
      await chat.invoke(question); // warm, on the base model
      expect(chat.activeAdapters).toEqual([]);

      await sealJson(["review", "approve", String(pendingRun.A), "--store", store, "--actor", "test"]);
      const after = await askFacts(store, "A", FACT_SET_A);
      expect(after.version).toBe(1);
      expect(after.correct, after.answers.join(" | ")).toBeGreaterThanOrEqual(8);
      accuracyAfterOwnRun.A = after.correct / FACT_SET_A.length;

      // The same process, no restart: the next call is served by the new version.
      const reply = await chat.invoke(question);
      expect(chat.activeAdapters[0]?.filePath).toMatch(/\.v0001\.gguf$/);
      expect(containsAnswer(String(reply.content), FACT_SET_A[1]?.answer as string), String(reply.content)).toBe(true);
    } finally {
      await chat.dispose();
      memory.close();
    }
  });

  it("tenant B's facts are not answerable through A's adapter, nor A's through B's", { timeout: 900_000 }, async () => {
    const runs = await sealJson<{ tenants: Array<{ runId: number; state: string }> }>(["consolidate", "--store", store, "--tenant", "B", ...FAST, "--review", "auto"]);
    expect(runs.tenants[0]?.state).toBe("approved");
    const bOwn = await askFacts(store, "B", FACT_SET_B);
    expect(bOwn.correct, bOwn.answers.join(" | ")).toBeGreaterThanOrEqual(3);
    const bThroughA = await askFacts(store, "A", FACT_SET_B);
    expect(bThroughA.correct, bThroughA.answers.join(" | ")).toBeLessThanOrEqual(1);
    const aThroughB = await askFacts(store, "B", FACT_SET_A);
    expect(aThroughB.correct, aThroughB.answers.join(" | ")).toBeLessThanOrEqual(1);
  });

  it("a second run on A keeps the first set (retention) and a rollback serves the old version again", { timeout: 900_000 }, async () => {
    await sealJson(["memories", "import", await writeChatLog(path.join(dir, "c.jsonl"), FACT_SET_C.map((fact) => fact.say)), "--store", store, "--tenant", "A"]);
    const runs = await sealJson<{ tenants: Array<{ runId: number; state: string; selected: number }> }>(["consolidate", "--store", store, "--tenant", "A", ...FAST]);
    expect(runs.tenants[0]).toMatchObject({ state: "pending", selected: FACT_SET_C.length });
    await sealJson(["review", "approve", String(runs.tenants[0]?.runId), "--store", store, "--actor", "test"]);
    const newSet = await askFacts(store, "A", FACT_SET_C);
    expect(newSet.version).toBe(2); // versions are numbered per tenant
    expect(newSet.correct, newSet.answers.join(" | ")).toBeGreaterThanOrEqual(3);
    const firstSet = await askFacts(store, "A", FACT_SET_A);
    expect(firstSet.correct / FACT_SET_A.length, firstSet.answers.join(" | ")).toBeGreaterThanOrEqual(0.8 * (accuracyAfterOwnRun.A as number));

    const rolled = await sealJson<{ from: number; to: number }>(["adapters", "rollback", "--store", store, "--tenant", "A", "--actor", "test"]);
    expect(rolled).toMatchObject({ to: 1 });
    const back = await askFacts(store, "A", FACT_SET_C);
    expect(back.version).toBe(1);
    expect(back.correct, back.answers.join(" | ")).toBeLessThanOrEqual(1);
  });
});
