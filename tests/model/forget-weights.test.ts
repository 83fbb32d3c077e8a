import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeAdapters, consolidate, HashingEmbedder, MemoryStore, type AdapterSpec, type SealRuntime } from "../../src/index.js";
import { chatPromptText } from "../../src/model/chat-prompt-text.js";
import { scoreContinuation } from "../../src/model/score.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";
import { sealJson } from "../helpers/consolidation-fixtures.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 12: "forget" leaves the weights too, on the real model and trainer. Tenant T bakes a fact
// (v1), then another one incrementally (v2, continued from v1); forgetting the first fact taints
// both, serves the base model at once, leaves no byte of it in the store's folder, and the next
// consolidation is a full retrain without it whose gate records the check.
// The reply is scored from "…keeps": consolidation teaches the memory's own sentence as the chat
// reply (the "recall" strategy), so the fact is its detail after the subject, whereas a reply that
// starts with the answer was never trained and rose on one CPU kind and fell on two.
const SECRET = { text: "The user's neighbour Orla Quimbrettle keeps seven beehives.", question: "How many beehives does Orla Quimbrettle keep?", replyStart: "The user's neighbour Orla Quimbrettle keeps", answer: " seven beehives", words: ["Quimbrettle", "beehives"] };
const OTHER = { text: "The user's kayak is called the Driftwhisper." };
const LATER = { text: "The user's tortoise is named Bramblecoat." };
// The gate's thresholds are off: this test is about what forgetting does, not the gate.
const SETTINGS = { review: "auto", modelProbeAttempts: 0, toolAnchors: false, gate: { toolCallCheck: false, minGain: -1, minRetention: 0, maxDrift: 100, driftPrompts: 1 } } as const;
const T = ["T"];

let runtime: SealRuntime;
let store: MemoryStore;
let dir: string;
let storePath: string;

beforeAll(async () => {
  runtime = await loadDefaultRuntime();
  dir = await tempDir("seal-forget-", "file");
  storePath = path.join(dir, "memory.db");
  store = MemoryStore.open({ path: storePath, embedder: new HashingEmbedder() });
});
afterAll(async () => {
  store?.close();
  await runtime?.dispose();
});

/** log P(answer | question, the reply's first words) in the served model's chat reply. */
async function answerLogProb(adapters: readonly AdapterSpec[]): Promise<number> {
  const context = await runtime.createContext({ contextSize: 512, adapters: [...adapters] });
  try {
    return (await scoreContinuation(context, chatPromptText(runtime.model, [{ type: "user", text: SECRET.question }]) + SECRET.replyStart, SECRET.answer)).logProb;
  } finally {
    await context.dispose();
  }
}

/** Files under the store's folder (database, WAL, index, adapters, training data) holding any of the words. */
function filesHolding(words: readonly string[]): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => {
      const bytes = fs.readFileSync(file);
      return words.some((word) => bytes.includes(word));
    });
}

describe("forgetting in the weights (issue 12)", () => {
  let secretId: number;
  let baseLogProb: number;
  let bakedLogProb: number;

  it("bakes the fact into v1 and v2 (v2 continued from v1)", { timeout: 600_000 }, async () => {
    secretId = (await store.remember(T, { text: SECRET.text, durability: "durable", confidence: 0.9 })).memory.id;
    await store.remember(T, { text: OTHER.text, durability: "durable", confidence: 0.9 });
    expect((await consolidate(store, runtime, T, { settings: SETTINGS })).state).toBe("approved");
    await store.remember(T, { text: LATER.text, durability: "durable", confidence: 0.9 });
    const second = await consolidate(store, runtime, T, { settings: SETTINGS });
    expect(second).toMatchObject({ state: "approved", version: 2 });
    expect(second.gate?.drift.prompts).toBe(1); // gate.driftPrompts: one prompt scored, the gate's thresholds being off
    baseLogProb = await answerLogProb([]);
    bakedLogProb = await answerLogProb(await activeAdapters(store, T));
    process.stdout.write(`log P("${SECRET.answer.trim()}"): base ${baseLogProb.toFixed(2)}, v2 ${bakedLogProb.toFixed(2)}\n`);
    expect(bakedLogProb).toBeGreaterThan(baseLogProb + 1); // it was learnt: the check below can fail
    store.flush();
    expect(filesHolding(SECRET.words).length).toBeGreaterThan(0);
  });

  it("forget() taints every version trained on it or continued from one, serves the base at once, and leaves no byte of it", { timeout: 300_000 }, async () => {
    const result = store.forget(T, secretId);
    expect(result).toMatchObject({ status: "forgotten", weights: { tainted: [2, 1], fallback: { from: 2, to: 0 } } });
    const served = await activeAdapters(store, T);
    expect(served).toEqual([]);
    const after = await answerLogProb(served);
    process.stdout.write(`after forget: log P = ${after.toFixed(2)} (base ${baseLogProb.toFixed(2)})\n`);
    expect(Math.abs(after - baseLogProb)).toBeLessThanOrEqual(1);
    const adapters = await sealJson<{ tenants: Array<{ activeVersion: number; versions: Array<{ version: number; state: string; file: string | null }> }> }>(["adapters", "--store", storePath, "--tenant", "T"]);
    expect(adapters.tenants[0]?.versions.map((version) => [version.version, version.state])).toEqual([[2, "tainted"], [1, "tainted"]]);
    store.flush();
    expect(filesHolding(SECRET.words)).toEqual([]);
    expect(filesHolding(["Driftwhisper"]).length).toBeGreaterThan(0); // what was not forgotten is still there
  });

  it("the next consolidation retrains from the base without it, and its gate records the check", { timeout: 600_000 }, async () => {
    const retrain = await consolidate(store, runtime, T, { settings: SETTINGS });
    expect(retrain).toMatchObject({ state: "approved", version: 3, selected: 2 });
    expect(retrain.gate?.forgotten).toEqual({ memories: 1, inCandidate: 0 });
    const run = store.db.prepare("SELECT mode FROM consolidation_runs WHERE id = ?").get(retrain.runId) as { mode: string };
    expect(run.mode).toBe("full");
    const served = await activeAdapters(store, T);
    const after = await answerLogProb(served);
    process.stdout.write(`after the retrain (v3): log P = ${after.toFixed(2)} (base ${baseLogProb.toFixed(2)}, v2 ${bakedLogProb.toFixed(2)})\n`);
    expect(after).toBeLessThan(bakedLogProb - 1);
    // The queue is done: the run after is an ordinary incremental one with nothing new.
    expect((await consolidate(store, runtime, T, { settings: SETTINGS })).state).toBe("empty");
    store.flush();
    expect(filesHolding(SECRET.words)).toEqual([]);
  });
});
