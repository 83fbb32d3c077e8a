import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";
import { consolidationSettingsSchema } from "../../src/consolidate/consolidation-settings.js";
import type { GateReport } from "../../src/consolidate/gate/gate-verdict.js";
import { MemoryStore } from "../../src/memory/memory-store.js";
import { activeVersion, insertManifest, insertVersion, nextVersionNumber, setVersionState } from "../../src/store/adapter-versions.js";
import { insertProbe, insertProbeResult, insertRunMemory, insertSelfEdit, insertUnit } from "../../src/store/consolidation-content.js";
import { insertRun, updateRun } from "../../src/store/consolidation-runs.js";
import { findTenantId } from "../../src/store/tenants.js";
import { HashingEmbedder } from "../../src/vector/hashing-embedder.js";
import { runSeal } from "./run-cli.js";

// Consolidation rows as the stages would leave them, on stores written with the hashing embedder
// (a fake adapter file with its real sha256): for CLI tests that load no model.

// Never the user's own store, whatever the environment says.
export const isolated = (dir: string) => ({ SEAL_STORE: "", XDG_DATA_HOME: path.join(dir, "xdg"), HOME: path.join(dir, "home"), USER: "tester" });


export async function hashingStore(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  MemoryStore.open({ path: file, embedder: new HashingEmbedder() }).close();
}

export const CHAT = [
  { role: "system", content: "You are a helpful assistant." },
  { role: "user", content: "My name is Ada Lovelace and I live in London." },
  { role: "assistant", content: "Nice to meet you, Ada." },
  { role: "user", content: "I work at the Analytical Engine Company." },
  { role: "user", content: "My favourite colour is green." },
  { role: "assistant", content: "Green is a lovely colour." },
];

export async function chatFile(dir: string, lines: readonly unknown[] = CHAT): Promise<string> {
  const file = path.join(dir, "chat.jsonl");
  await fs.writeFile(file, `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`);
  return file;
}

/** A store with the chat log imported through the CLI, for tenant ada/agent. */
export async function importedStore(dir: string): Promise<string> {
  const store = path.join(dir, "memory.db");
  await hashingStore(store);
  const result = await runSeal(["memories", "import", await chatFile(dir), "--tenant", "ada/agent", "--store", store, "--json"], isolated(dir));
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return store;
}

export const GATE: GateReport = {
  passed: true,
  failures: [],
  gain: { probes: 2, candidateAccuracy: 1, referenceAccuracy: 0, gain: 1, candidateLogProb: -0.2, referenceLogProb: -3.1 },
  retention: { probes: 0, candidateAccuracy: 0, referenceAccuracy: 0, share: 1 },
  drift: { value: 0.05, prompts: 8 },
  toolCalls: { candidate: 3, reference: 3, total: 3 },
  trainedProbesSkipped: 0,
  thresholds: { minGain: 0.25, minRetention: 0.8, maxDrift: 0.35, maxToolCallLoss: 1 },
  reference: 0,
};

/**
 * A run of tenant ada/agent that reached review, as the stages would have left it: selected,
 * skipped and flagged memories, a unit with kept and dropped self-edits, a probe answered by the
 * reference and the candidate, and a candidate adapter file with its real sha256.
 */
export async function pendingRun(storePath: string): Promise<{ runId: number; version: number; selected: number[]; skipped: number; flagged: number; file: string }> {
  const store = MemoryStore.open({ path: storePath, embedder: new HashingEmbedder() });
  try {
    const db = store.db;
    const namespace = ["ada", "agent"];
    const tenantId = findTenantId(db, namespace) as number;
    const [name, city, work, colour] = store.list(namespace).map((memory) => memory.id) as [number, number, number, number];
    const now = Date.now();
    const settingsJson = JSON.stringify(consolidationSettingsSchema.parse({}));
    const runId = insertRun(db, { tenantId, mode: "incremental", settingsJson, fromVersionId: activeVersion(db, tenantId)?.id ?? null, now });
    const unitId = insertUnit(db, { runId, tenantId, subject: "Ada", text: "The user's name is Ada Lovelace.\nThe user lives in London.", memoryIds: [name, city], now });
    insertRunMemory(db, { runId, memoryId: name, decision: "selected", reason: "durable fact", unitId });
    insertRunMemory(db, { runId, memoryId: city, decision: "selected", reason: "durable fact", unitId });
    insertRunMemory(db, { runId, memoryId: work, decision: "skipped", reason: "confidence 0.50 is below 0.7", unitId: null });
    insertRunMemory(db, { runId, memoryId: colour, decision: "flagged", reason: "looks like an instruction", unitId: null });
    insertSelfEdit(db, { unitId, strategy: "qa", writer: "student", sample: 0, text: "What is the user's name?", answer: "Ada Lovelace", kept: true, filterReason: null });
    insertSelfEdit(db, { unitId, strategy: "implications", writer: "student", sample: 1, text: "Ada was born in 1815.", answer: null, kept: false, filterReason: "names 1815, which the unit does not contain" });
    const probeId = insertProbe(db, { tenantId, memoryId: name, question: "What is the user's name?", answer: "Ada Lovelace", source: "template", now });
    insertProbeResult(db, { runId, probeId, model: "reference", role: "new", trained: false, correct: false, logProb: -3.1, answer: "John" });
    insertProbeResult(db, { runId, probeId, model: "candidate", role: "new", trained: false, correct: true, logProb: -0.2, answer: "Ada Lovelace" });
    const version = nextVersionNumber(db, tenantId);
    const relative = path.join(`t${tenantId}`, `t${tenantId}.v${String(version).padStart(4, "0")}.gguf`);
    const file = path.join(`${path.resolve(storePath)}.adapters`, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const bytes = Buffer.from(`fake adapter ${version}`);
    await fs.writeFile(file, bytes);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const versionId = insertVersion(db, { tenantId, version, runId, file: relative, sha256, baseModelSha256: "b".repeat(64), trainingSha256: "c".repeat(64), parentVersionId: activeVersion(db, tenantId)?.id ?? null, settingsJson, now });
    setVersionState(db, versionId, "pending", now);
    insertManifest(db, versionId, [
      { memoryId: name, unitId, replayed: false },
      { memoryId: city, unitId, replayed: false },
    ]);
    updateRun(db, runId, { state: "pending", stage: "review", candidateVersionId: versionId, gateJson: JSON.stringify({ ...GATE, reference: activeVersion(db, tenantId)?.version ?? 0 }) }, now);
    return { runId, version, selected: [name, city], skipped: work, flagged: colour, file };
  } finally {
    store.close();
  }
}
