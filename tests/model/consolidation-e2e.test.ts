import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeAdapters, ChatSealLlama, HashingEmbedder, MemoryStore, type SealRuntime } from "../../src/index.js";
import { containsAnswer } from "../../src/eval/squad-grading.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";
import { FACT_SET_A, FACT_SET_B, FACT_SET_C, FACT_SET_D, INSTRUCTION_MEMORIES, VOLATILE_LINES } from "../fixtures/invented-facts.js";
import { askFacts, sealJson, writeChatLog } from "../helpers/consolidation-fixtures.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 11's acceptance, end to end through the CLI on the real default model and trainer. One
// store, in order: tenant A bakes 12 invented facts (and is asked before and after), tenant B bakes
// its own; a running ChatSealLlama follows approvals and a rollback; a second and third run on B
// measure retention; a damaging run on A is rejected by the gate. Each step needs the one before,
// so they share the file's store.

const FAST: string[] = []; // the defaults: what a user gets

let runtime: SealRuntime;
let dir: string;
let store: string;
const pendingRun: Record<string, number> = {};
const accuracyAfterOwnRun: Record<string, number> = {};
// A chat model that stays up for the whole file, as an agent's would: it must follow approvals
// and a rollback made by other processes (the CLI) without a restart.
let served: { memory: MemoryStore; chat: ChatSealLlama } | undefined;

beforeAll(async () => {
  runtime = await loadDefaultRuntime();
  dir = await tempDir("seal-consolidation-", "file");
  store = path.join(dir, "memory.db");
  // The CLI reopens a store with the embedder that wrote it: the hashing one keeps this test light.
  MemoryStore.open({ path: store, embedder: new HashingEmbedder() }).close();
});
afterAll(async () => {
  await served?.chat.dispose();
  served?.memory.close();
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
    process.stdout.write(`base model, no memory: ${base.correct}/${FACT_SET_A.length}\n`);
    expect(base.correct, `the base model knew: ${base.answers.join(" | ")}`).toBeLessThanOrEqual(1);

    const runs = await sealJson<{ tenants: Array<{ runId: number; state: string; selected: number; seconds: Record<string, number> }> }>(["consolidate", "--store", store, "--tenant", "A", ...FAST]);
    expect(runs.tenants).toHaveLength(1);
    const [run] = runs.tenants;
    process.stdout.write(`tenant A's run, seconds per stage: ${JSON.stringify(run?.seconds)}\n`); // where CI's time goes
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
    served = { memory, chat };
    {
      const question = FACT_SET_A[1]?.question as string;
      await chat.invoke(question); // warm, on the base model
      expect(chat.activeAdapters).toEqual([]);

      await sealJson(["review", "approve", String(pendingRun.A), "--store", store, "--actor", "test"]);
      const after = await askFacts(store, "A", FACT_SET_A);
      expect(after.version).toBe(1);
      process.stdout.write(`tenant A's v1, no memory: ${after.correct}/${FACT_SET_A.length}\n`);
      expect(after.correct, after.answers.join(" | ")).toBeGreaterThanOrEqual(8);
      accuracyAfterOwnRun.A = after.correct / FACT_SET_A.length;

      // The same process, no restart: the next call is served by the new version.
      const reply = await chat.invoke(question);
      expect(chat.activeAdapters[0]?.filePath).toMatch(/\.v0001\.gguf$/);
      expect(containsAnswer(String(reply.content), FACT_SET_A[1]?.answer as string), String(reply.content)).toBe(true);
    }
  });

  it("tenant B's facts are not answerable through A's adapter, nor A's through B's", { timeout: 900_000 }, async () => {
    const runs = await sealJson<{ tenants: Array<{ runId: number; state: string }> }>(["consolidate", "--store", store, "--tenant", "B", ...FAST, "--review", "auto"]);
    expect(runs.tenants[0]?.state).toBe("approved");
    const bOwn = await askFacts(store, "B", FACT_SET_B);
    expect(bOwn.correct, bOwn.answers.join(" | ")).toBeGreaterThanOrEqual(3);
    accuracyAfterOwnRun.B = bOwn.correct / FACT_SET_B.length;
    process.stdout.write(`tenant B's v1 on B's facts: ${bOwn.correct}/${FACT_SET_B.length}\n`);
    const bThroughA = await askFacts(store, "A", FACT_SET_B);
    expect(bThroughA.correct, bThroughA.answers.join(" | ")).toBeLessThanOrEqual(1);
    const aThroughB = await askFacts(store, "B", FACT_SET_A);
    process.stdout.write(`B's facts through A's adapter: ${bThroughA.correct}/${FACT_SET_B.length}; A's through B's: ${aThroughB.correct}/${FACT_SET_A.length}\n`);
    expect(aThroughB.correct, aThroughB.answers.join(" | ")).toBeLessThanOrEqual(1);
  });

  // Sequential runs on B (small sets keep the replay, and this test, short): B's first run above is
  // run 1. Each later run replays the units already baked, so a set asked differently from how it
  // was trained may come back only after a later run: on a 2-CPU Xeon with avx512_bf16, C's own
  // questions scored 2 of 4 right after its run and 4 of 4 after D's (its probes 7 of 7). On
  // another Xeon (no avx512_bf16) the second run's gate once saw retention 0.75 and rejected it.
  it("three sequential runs on B keep the first set (retention), and a rollback serves the older version again", { timeout: 1_500_000 }, async () => {
    const memory = MemoryStore.open({ path: store, embedder: new HashingEmbedder() });
    const chat = new ChatSealLlama({ runtime, maxTokens: 24, resolveAdapters: () => activeAdapters(memory, ["B"]) });
    const versions: number[] = [];
    for (const [name, set] of [["c", FACT_SET_C], ["d", FACT_SET_D]] as const) {
      await sealJson(["memories", "import", await writeChatLog(path.join(dir, `${name}.jsonl`), set.map((fact) => fact.say)), "--store", store, "--tenant", "B"]);
      const runs = await sealJson<{ tenants: Array<{ runId: number; state: string; selected: number; version: number; gate: { incrementalAttempt?: unknown } }> }>(["consolidate", "--store", store, "--tenant", "B", ...FAST]);
      expect(runs.tenants[0], JSON.stringify(runs.tenants[0]?.gate)).toMatchObject({ state: "pending", selected: set.length });
      // An incremental candidate whose retention fell was retrained from the base in the same run (a rejected version between).
      if (runs.tenants[0]?.gate.incrementalAttempt) process.stdout.write(`run on ${name}: retention fell incrementally, retrained from the base: ${JSON.stringify(runs.tenants[0].gate.incrementalAttempt)}\n`);
      await sealJson(["review", "approve", String(runs.tenants[0]?.runId), "--store", store, "--actor", "test"]);
      versions.push(runs.tenants[0]?.version as number);
      const own = await askFacts(store, "B", set);
      expect(own.version).toBe(versions.at(-1)); // versions are numbered per tenant: A's took none of B's
      process.stdout.write(`run on ${name}: v${own.version}, its own set ${own.correct}/${set.length}, gate ${JSON.stringify(runs.tenants[0]?.gate)}\n`);
      expect(own.correct, own.answers.join(" | ")).toBeGreaterThanOrEqual(2); // the base answers at most 1
    }
    const [second, third] = versions as [number, number];
    const firstSet = await askFacts(store, "B", FACT_SET_B);
    const retention = firstSet.correct / FACT_SET_B.length / (accuracyAfterOwnRun.B as number);
    process.stdout.write(`retention of the first set after the third run: ${(100 * retention).toFixed(0)}% (${firstSet.correct}/${FACT_SET_B.length})\n`);
    expect(retention, firstSet.answers.join(" | ")).toBeGreaterThanOrEqual(0.8);

    const file = (version: number) => new RegExp(`\\.v${String(version).padStart(4, "0")}\\.gguf$`);
    await chat.invoke(FACT_SET_D[0]?.question as string);
    expect(chat.activeAdapters[0]?.filePath).toMatch(file(third));
    const rolled = await sealJson<{ from: number; to: number }>(["adapters", "rollback", "--store", store, "--tenant", "B", "--actor", "test"]);
    expect(rolled).toMatchObject({ from: third, to: second });
    const back = await askFacts(store, "B", FACT_SET_D);
    expect(back.version).toBe(second);
    expect(back.correct, back.answers.join(" | ")).toBeLessThanOrEqual(1);

    // The chat model that never restarted: its next call is served by the earlier version again.
    await chat.invoke(FACT_SET_D[0]?.question as string);
    expect(chat.activeAdapters[0]?.filePath).toMatch(file(second));
    await chat.dispose();
    memory.close();
  });

  // The normal runs above all passed the gate. This one damages the model: 10x the default
  // learning rate (at 30x the loss turns NaN within ~20 steps and the run ends rejected as
  // "training diverged", before there is a candidate to measure). One epoch, no replay and
  // template probes keep it short: the gate's verdict is what is tested.
  it("rejects a run trained at 10x the learning rate with its drift above the threshold, and A's active version stays v1", { timeout: 900_000 }, async () => {
    await sealJson(["memories", "import", await writeChatLog(path.join(dir, "a-more.jsonl"), FACT_SET_C.slice(0, 2).map((fact) => fact.say)), "--store", store, "--tenant", "A"]);
    const damaged = await sealJson<{ tenants: Array<{ state: string; gate?: { failures: string[]; drift: { value: number }; thresholds: { maxDrift: number } } }> }>([
      "consolidate", "--store", store, "--tenant", "A", "--lr", "1e-2", "--epochs", "1", "--settings", JSON.stringify({ replayShare: 0, modelProbeAttempts: 0 }),
    ]);
    const gate = damaged.tenants[0]?.gate;
    process.stdout.write(`lr x10 on A: ${JSON.stringify(gate)}\n`);
    expect(damaged.tenants[0]?.state, JSON.stringify(damaged.tenants[0])).toBe("rejected");
    expect(gate?.drift.value).toBeGreaterThan(gate?.thresholds.maxDrift as number);
    expect(gate?.failures.join("; ")).toMatch(/drift [0-9.]+ is above/);
    const adapters = await sealJson<{ tenants: Array<{ activeVersion: number; versions: Array<{ version: number; state: string }> }> }>(["adapters", "--store", store, "--tenant", "A"]);
    expect(adapters.tenants[0]?.activeVersion).toBe(1);
    expect(adapters.tenants[0]?.versions.find((version) => version.version === 2)?.state).toBe("rejected");
    expect((await askFacts(store, "A", FACT_SET_A)).version).toBe(1);
  });
});
