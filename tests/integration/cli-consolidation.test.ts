import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { GateReport } from "../../src/consolidate/gate/gate-verdict.js";
import { MemoryStore } from "../../src/memory/memory-store.js";
import { activeVersion } from "../../src/store/adapter-versions.js";
import { openDatabase } from "../../src/store/database.js";
import { HashingEmbedder } from "../../src/vector/hashing-embedder.js";
import { runSeal } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { chatFile, hashingStore, importedStore, isolated, pendingRun } from "../helpers/consolidation-rows.js";

// The consolidation and review CLI on stores written with the hashing embedder, and consolidation
// rows inserted directly (a fake adapter file with its real sha256): nothing here loads a model.
const run = runSeal;
const hintOf = (stderr: string) => /^hint: (.+)$/m.exec(stderr)?.[1];

function json<T = Record<string, unknown>>(stdout: string): T {
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as T;
}

describe("seal CLI consolidation: store selection", () => {
  it("--store, SEAL_STORE and the default path (XDG_DATA_HOME, else ~/.local/share) all find the store", async () => {
    const dir = await tempDir();
    const env = isolated(dir);
    const byFlag = path.join(dir, "flag.db");
    const byEnv = path.join(dir, "env.db");
    const byXdg = path.join(env.XDG_DATA_HOME, "seal-memory", "memory.db");
    const byHome = path.join(env.HOME, ".local", "share", "seal-memory", "memory.db");
    for (const file of [byFlag, byEnv, byXdg, byHome]) await hashingStore(file);
    const storeOf = async (args: string[], extra: NodeJS.ProcessEnv) => {
      const result = await run(["review", "--json", ...args], { ...env, ...extra });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      return json<{ store: string }>(result.stdout).store;
    };
    expect(await storeOf(["--store", byFlag], { SEAL_STORE: byEnv })).toBe(byFlag);
    expect(await storeOf([], { SEAL_STORE: byEnv })).toBe(byEnv);
    expect(await storeOf([], {})).toBe(byXdg);
    expect(await storeOf([], { XDG_DATA_HOME: "" })).toBe(byHome);
  });

  it("a read-only command on a store that does not exist: STORE_UNAVAILABLE naming --store and SEAL_STORE, and no file is created", async () => {
    const dir = await tempDir();
    const missing = path.join(dir, "nope.db");
    for (const args of [["memories", "list", "--tenant", "ada"], ["review"], ["adapters"], ["audit"]]) {
      const result = await run([...args, "--store", missing], isolated(dir));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("error STORE_UNAVAILABLE");
      expect(hintOf(result.stderr)).toMatch(/--store.*SEAL_STORE/);
    }
    const asJson = await run(["review", "--json"], { ...isolated(dir), SEAL_STORE: missing });
    expect(json<{ ok: boolean; error: { code: string; hint: string } }>(asJson.stdout).error).toMatchObject({ code: "STORE_UNAVAILABLE", hint: expect.stringMatching(/SEAL_STORE/) });
    await expect(fs.access(missing)).rejects.toThrow();
  });
});

describe("seal CLI consolidation: the store's embedder", () => {
  it("a store written by a llama embedder opens for reading without loading a model; another embedding model is refused before anything is stored", async () => {
    const dir = await tempDir();
    const store = path.join(dir, "llama.db");
    const db = openDatabase(store);
    db.prepare("INSERT INTO store_settings (name, value) VALUES ('embedder', 'llama:all-MiniLM-L6-v2.Q8_0:384')").run();
    db.close();
    // SEAL_EMBEDDING_MODEL names a file that does not exist: loading it would fail with another code.
    const env = { ...isolated(dir), SEAL_EMBEDDING_MODEL: path.join(dir, "other-embedder.gguf") };
    const review = await run(["review", "--store", store, "--json"], env);
    expect(json(review.stdout)).toMatchObject({ ok: true, pending: [] });
    const imported = await run(["memories", "import", await chatFile(dir), "--tenant", "ada", "--store", store, "--json"], env);
    expect(imported.code).toBe(1);
    const error = json<{ error: { code: string; message: string; hint: string } }>(imported.stdout).error;
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain("llama:all-MiniLM-L6-v2.Q8_0:384");
    expect(error.hint).toContain("SEAL_EMBEDDING_MODEL");
    const check = openDatabase(store);
    try {
      expect(check.prepare("SELECT COUNT(*) FROM episodes").pluck().get()).toBe(0);
    } finally {
      check.close();
    }
  });

  it("a store written by an embedder the CLI cannot load: STORE_UNAVAILABLE naming it", async () => {
    const dir = await tempDir();
    const store = path.join(dir, "custom.db");
    const db = openDatabase(store);
    db.prepare("INSERT INTO store_settings (name, value) VALUES ('embedder', 'my-embedder:12')").run();
    db.close();
    const result = await run(["memories", "list", "--tenant", "ada", "--store", store], isolated(dir));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error STORE_UNAVAILABLE: .*my-embedder:12/);
    expect(hintOf(result.stderr)).toBeDefined();
  });
});

describe("seal CLI consolidation: memories", () => {
  it("imports a chat log: user messages paired with the assistant's reply, counts reported, memories listed and shown", async () => {
    const dir = await tempDir();
    const store = path.join(dir, "memory.db");
    await hashingStore(store);
    const imported = await run(["memories", "import", await chatFile(dir), "--tenant", "ada/agent", "--store", store, "--json"], isolated(dir));
    expect(imported.code, imported.stderr).toBe(0);
    const summary = json<{ lines: number; exchanges: number; ignored: number; memories: { added: number; updated: number; reinforced: number } }>(imported.stdout);
    expect(summary).toMatchObject({ lines: 6, exchanges: 3, ignored: 1 });
    expect(summary.memories.added).toBeGreaterThanOrEqual(3);

    const listed = await run(["memories", "list", "--tenant", "ada/agent", "--store", store, "--json"], isolated(dir));
    const list = json<{ memories: Array<{ id: number; text: string; kind: string; durability: string; confidence: number; recurrence: number; baked: boolean }> }>(listed.stdout);
    expect(list.memories.length).toBe(summary.memories.added);
    expect(list.memories.map((memory) => memory.text).join(" ")).toMatch(/Ada Lovelace[\s\S]*London/);
    for (const memory of list.memories) expect(memory).toMatchObject({ kind: expect.any(String), durability: expect.any(String), confidence: expect.any(Number), recurrence: 1, baked: false });

    const human = await run(["memories", "list", "--tenant", "ada/agent", "--store", store], isolated(dir));
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Ada Lovelace");

    const first = list.memories[0] as { id: number };
    const shown = await run(["memories", "show", String(first.id), "--tenant", "ada/agent", "--store", store, "--json"], isolated(dir));
    const show = json<{ memory: { id: number; episodeIds: number[] }; history: Array<{ action: string }>; probes: unknown[]; versions: unknown[] }>(shown.stdout);
    expect(show.memory.id).toBe(first.id);
    expect(show.memory.episodeIds.length).toBeGreaterThan(0);
    expect(show.history.map((entry) => entry.action)).toContain("add");
    expect(show).toMatchObject({ probes: [], versions: [] });

    // The same log again: the memories repeat, so they are reinforced, not added twice.
    const again = await run(["memories", "import", await chatFile(dir), "--tenant", "ada/agent", "--store", store, "--json"], isolated(dir));
    const second = json<{ memories: { added: number; reinforced: number } }>(again.stdout);
    expect(second.memories.added).toBe(0);
    expect(second.memories.reinforced).toBe(summary.memories.added);
  });

  it("a malformed line: MEMORY_INVALID with the file and line, and nothing is stored", async () => {
    const dir = await tempDir();
    const store = path.join(dir, "memory.db");
    await hashingStore(store);
    for (const [bad, line] of [
      ['{"role": "user", "content": "My name is Bob."', 2],
      ['{"role": "user", "content": 42}', 2],
      ['["user", "hello"]', 2],
      ['{"content": "no role"}', 2],
    ] as const) {
      const file = await chatFile(dir, [{ role: "user", content: "I live in Paris." }, bad, { role: "user", content: "My name is Carol." }]);
      const result = await run(["memories", "import", file, "--tenant", "bob", "--store", store, "--json"], isolated(dir));
      expect(result.code).toBe(1);
      const error = json<{ ok: boolean; error: { code: string; context: { line: number; file: string }; hint: string } }>(result.stdout).error;
      expect(error.code).toBe("MEMORY_INVALID");
      expect(error.context).toMatchObject({ line, file: path.resolve(file) });
      expect(error.hint).toMatch(/nothing was imported/);
    }
    const human = await run(["memories", "import", await chatFile(dir, ["not json"]), "--tenant", "bob", "--store", store], isolated(dir));
    expect(human.stderr).toMatch(/error MEMORY_INVALID: .*chat\.jsonl:1: not JSON/);
    const check = MemoryStore.open({ path: store, embedder: new HashingEmbedder() });
    try {
      expect(check.listNamespaces()).toEqual([]);
      expect(check.db.prepare("SELECT COUNT(*) FROM episodes").pluck().get()).toBe(0);
    } finally {
      check.close();
    }
  });

  it("import needs --tenant and a readable file; show needs a known id; list takes a known status", async () => {
    const dir = await tempDir();
    const store = await importedStore(dir);
    const env = isolated(dir);
    const noTenant = await run(["memories", "import", await chatFile(dir), "--store", store], env);
    expect(noTenant.stderr).toContain("error TENANT_INVALID");
    expect(hintOf(noTenant.stderr)).toContain("usage: seal memories import");
    const missing = await run(["memories", "import", path.join(dir, "none.jsonl"), "--tenant", "ada", "--store", store], env);
    expect(missing.stderr).toMatch(/error INVALID_OPTIONS: .*no such file/);
    const unknownId = await run(["memories", "show", "999", "--tenant", "ada/agent", "--store", store, "--json"], env);
    expect(json<{ error: { code: string } }>(unknownId.stdout).error.code).toBe("MEMORY_NOT_FOUND");
    const unknownTenant = await run(["memories", "list", "--tenant", "nobody", "--store", store, "--json"], env);
    expect(json<{ error: { code: string } }>(unknownTenant.stdout).error.code).toBe("TENANT_NOT_FOUND");
    const badTenant = await run(["memories", "list", "--tenant", "ada//agent", "--store", store], env);
    expect(badTenant.stderr).toContain("error TENANT_INVALID");
    const badStatus = await run(["memories", "list", "--tenant", "ada/agent", "--status", "baked-ish", "--store", store], env);
    expect(badStatus.stderr).toMatch(/error INVALID_OPTIONS: --status/);
    const superseded = await run(["memories", "list", "--tenant", "ada/agent", "--status", "superseded", "--store", store, "--json"], env);
    expect(json<{ memories: unknown[] }>(superseded.stdout).memories).toEqual([]);
  });
});

describe("seal CLI consolidation: review, adapters, audit", () => {
  it("with nothing pending: review lists none, approving an unknown run is RUN_NOT_FOUND, rollback with no versions is VERSION_NOT_FOUND", async () => {
    const dir = await tempDir();
    const store = await importedStore(dir);
    const env = isolated(dir);
    const review = await run(["review", "--store", store, "--json"], env);
    expect(json(review.stdout)).toMatchObject({ ok: true, pending: [] });
    const human = await run(["review", "--store", store], env);
    expect(human.stdout).toContain("No runs wait for review");

    for (const args of [["review", "approve", "42"], ["review", "reject", "42", "--reason", "no"], ["review", "show", "42"]]) {
      const result = await run([...args, "--store", store, "--json"], env);
      expect(result.code).toBe(1);
      expect(json<{ error: { code: string } }>(result.stdout).error.code).toBe("RUN_NOT_FOUND");
    }
    const badId = await run(["review", "approve", "abc", "--store", store], env);
    expect(badId.stderr).toContain("error INVALID_OPTIONS");

    const rollback = await run(["adapters", "rollback", "--tenant", "ada/agent", "--store", store, "--json"], env);
    expect(rollback.code).toBe(1);
    expect(json<{ error: { code: string; hint: string } }>(rollback.stdout).error).toMatchObject({ code: "VERSION_NOT_FOUND", hint: expect.any(String) });
    const rollbackTo = await run(["adapters", "rollback", "--tenant", "ada/agent", "--to", "v3", "--store", store], env);
    expect(rollbackTo.stderr).toContain("error VERSION_NOT_FOUND");
    const noTenant = await run(["adapters", "rollback", "--store", store], env);
    expect(noTenant.stderr).toContain("error TENANT_INVALID");

    const adapters = await run(["adapters", "--store", store, "--json"], env);
    expect(json(adapters.stdout)).toMatchObject({ ok: true, tenants: [] });
    const audit = await run(["audit", "--store", store, "--json"], env);
    expect(json(audit.stdout)).toMatchObject({ ok: true, decisions: [] });
  });

  it("a pending run: listed with its gate, shown in full, approved, listed as active and baked, audited with the actor", async () => {
    const dir = await tempDir();
    const store = await importedStore(dir);
    const env = isolated(dir);
    const seeded = await pendingRun(store);

    const review = json<{ pending: Array<{ runId: number; tenant: string; candidateVersion: number; gate: GateReport }> }>((await run(["review", "--store", store, "--json"], env)).stdout);
    expect(review.pending).toEqual([expect.objectContaining({ runId: seeded.runId, tenant: "ada/agent", candidateVersion: 1, gate: expect.objectContaining({ passed: true }) })]);
    const reviewHuman = await run(["review", "--tenant", "ada/agent", "--store", store], env);
    expect(reviewHuman.stdout).toMatch(new RegExp(`run ${seeded.runId} +ada/agent +candidate v1`));
    expect(reviewHuman.stdout).toContain("gain 1.00");

    const shown = json<{ run: { state: string; counts: Record<string, unknown>; memories: Array<{ id: number; decision: string; reason: string }>; units: Array<{ memoryIds: number[]; selfEdits: Array<{ kept: boolean; filterReason: string | null }> }>; probes: Array<{ question: string; before: { answer: string; correct: boolean }; after: { answer: string; correct: boolean } }>; gate: GateReport } }>(
      (await run(["review", "show", String(seeded.runId), "--store", store, "--json"], env)).stdout,
    ).run;
    expect(shown.state).toBe("pending");
    expect(shown.counts).toMatchObject({ selected: 2, skipped: 1, flagged: 1, units: 1, selfEdits: { kept: 1, dropped: 1 } });
    expect(shown.memories.find((memory) => memory.id === seeded.flagged)).toMatchObject({ decision: "flagged", reason: "looks like an instruction" });
    expect(shown.memories.find((memory) => memory.id === seeded.skipped)).toMatchObject({ decision: "skipped" });
    expect(shown.units[0]?.memoryIds).toEqual(seeded.selected);
    expect(shown.units[0]?.selfEdits).toEqual(expect.arrayContaining([expect.objectContaining({ kept: false, filterReason: expect.stringContaining("1815") })]));
    expect(shown.probes[0]).toMatchObject({ question: "What is the user's name?", before: { answer: "John", correct: false }, after: { answer: "Ada Lovelace", correct: true } });
    expect(shown.gate.drift.value).toBe(0.05);
    const human = await run(["review", "show", String(seeded.runId), "--store", store], env);
    expect(human.code).toBe(0);
    for (const text of ["flagged: looks like an instruction", "dropped: names 1815", "before: \"John\" wrong", "after: \"Ada Lovelace\" correct", "retention", "drift", "tool calls"]) expect(human.stdout).toContain(text);

    const approved = await run(["review", "approve", String(seeded.runId), "--actor", "alice", "--store", store, "--json"], env);
    expect(approved.code, approved.stdout + approved.stderr).toBe(0);
    expect(json(approved.stdout)).toMatchObject({ ok: true, activeVersion: 1, previousVersion: 0, actor: "alice", memories: 2 });
    const twice = await run(["review", "approve", String(seeded.runId), "--store", store, "--json"], env);
    expect(json<{ error: { code: string } }>(twice.stdout).error.code).toBe("RUN_STATE_INVALID");

    const adapters = json<{ tenants: Array<{ tenant: string; activeVersion: number; versions: Array<{ version: number; state: string; sha256: string; memories: number; fileStatus: string; activatedAt: string }> }> }>((await run(["adapters", "--store", store, "--json"], env)).stdout);
    expect(adapters.tenants).toEqual([expect.objectContaining({ tenant: "ada/agent", activeVersion: 1 })]);
    expect(adapters.tenants[0]?.versions[0]).toMatchObject({ version: 1, state: "active", memories: 2, fileStatus: "ok", activatedAt: expect.any(String) });
    const adaptersHuman = await run(["adapters", "--tenant", "ada/agent", "--store", store], env);
    expect(adaptersHuman.stdout).toContain(`sha256 ${adapters.tenants[0]?.versions[0]?.sha256.slice(0, 12)}`);

    const list = json<{ activeVersion: number; memories: Array<{ id: number; baked: boolean }> }>((await run(["memories", "list", "--tenant", "ada/agent", "--store", store, "--json"], env)).stdout);
    expect(list.activeVersion).toBe(1);
    expect(list.memories.filter((memory) => memory.baked).map((memory) => memory.id)).toEqual(seeded.selected);
    const show = json<{ baked: boolean; versions: Array<{ version: number; state: string }>; runs: Array<{ decision: string }>; probes: Array<{ results: unknown[] }>; history: Array<{ action: string; actor: string | null }> }>(
      (await run(["memories", "show", String(seeded.selected[0]), "--tenant", "ada/agent", "--store", store, "--json"], env)).stdout,
    );
    expect(show).toMatchObject({ baked: true, versions: [{ version: 1, state: "active" }], runs: [{ decision: "selected" }] });
    expect(show.probes[0]?.results).toHaveLength(2);
    expect(show.history).toEqual(expect.arrayContaining([expect.objectContaining({ action: "baked", actor: "alice" })]));

    const audit = json<{ decisions: Array<{ action: string; actor: string; tenant: string }> }>((await run(["audit", "--tenant", "ada/agent", "--store", store, "--json"], env)).stdout);
    expect(audit.decisions).toEqual([expect.objectContaining({ action: "consolidation-approve", actor: "alice", tenant: "ada/agent" })]);
  });

  it("reject needs a reason and keeps the active version; rollback moves between versions and the base, recorded with $USER", async () => {
    const dir = await tempDir();
    const store = await importedStore(dir);
    const env = isolated(dir);
    const first = await pendingRun(store);
    expect((await run(["review", "approve", String(first.runId), "--store", store], env)).code).toBe(0);
    const second = await pendingRun(store);

    const noReason = await run(["review", "reject", String(second.runId), "--store", store], env);
    expect(noReason.stderr).toContain("error INVALID_OPTIONS");
    expect(hintOf(noReason.stderr)).toContain("--reason");
    const rejected = await run(["review", "reject", String(second.runId), "--reason", "answers look wrong", "--store", store, "--json"], env);
    expect(json(rejected.stdout)).toMatchObject({ ok: true, rejectedVersion: 2, activeVersion: 1, actor: "tester", reason: "answers look wrong" });

    // A rejected candidate's file may go; the listing says it was deleted, not that it is missing.
    await fs.rm(second.file);

    const third = await pendingRun(store);
    expect(third.version).toBe(3);
    expect((await run(["review", "approve", String(third.runId), "--store", store], env)).code).toBe(0);

    const back = await run(["adapters", "rollback", "--tenant", "ada/agent", "--store", store, "--json"], env);
    expect(json(back.stdout)).toMatchObject({ ok: true, from: 3, to: 1, activeVersion: 1 });
    const toRejected = await run(["adapters", "rollback", "--tenant", "ada/agent", "--to", "2", "--store", store, "--json"], env);
    expect(json<{ error: { code: string } }>(toRejected.stdout).error.code).toBe("VERSION_NOT_FOUND");
    const toBase = await run(["adapters", "rollback", "--tenant", "ada/agent", "--to", "0", "--actor", "bob", "--store", store], env);
    expect(toBase.code).toBe(0);
    expect(toBase.stdout).toMatch(/v1 -> the base model/);
    const list = json<{ activeVersion: number; memories: Array<{ baked: boolean }> }>((await run(["memories", "list", "--tenant", "ada/agent", "--store", store, "--json"], env)).stdout);
    expect(list.activeVersion).toBe(0);
    expect(list.memories.some((memory) => memory.baked)).toBe(false);

    // A damaged file is refused before it is made active again.
    await fs.writeFile(third.file, "tampered");
    const damaged = await run(["adapters", "rollback", "--tenant", "ada/agent", "--to", "v3", "--store", store, "--json"], env);
    expect(json<{ error: { code: string } }>(damaged.stdout).error.code).toBe("ADAPTER_CHECKSUM_MISMATCH");
    const adapters = json<{ tenants: Array<{ versions: Array<{ version: number; state: string; fileStatus: string }> }> }>((await run(["adapters", "--tenant", "ada/agent", "--store", store, "--json"], env)).stdout);
    expect(adapters.tenants[0]?.versions.map((version) => [version.version, version.state, version.fileStatus])).toEqual([
      [3, "retired", "changed"],
      [2, "rejected", "deleted"],
      [1, "retired", "ok"],
    ]);

    const audit = json<{ decisions: Array<{ action: string; actor: string; detail: Record<string, unknown> }> }>((await run(["audit", "--store", store, "--json"], env)).stdout);
    expect(audit.decisions.map((entry) => [entry.action, entry.actor])).toEqual([
      ["adapter-rollback", "bob"],
      ["adapter-rollback", "tester"],
      ["consolidation-approve", "tester"],
      ["consolidation-reject", "tester"],
      ["consolidation-approve", "tester"],
    ]);
    const human = await run(["audit", "--store", store, "--limit", "2"], env);
    expect(human.stdout.trim().split("\n")).toHaveLength(2);
    expect(human.stdout).toContain("v1 -> base");
  });

  it("approving a run whose candidate file was damaged is refused; the run stays pending", async () => {
    const dir = await tempDir();
    const store = await importedStore(dir);
    const env = isolated(dir);
    const seeded = await pendingRun(store);
    await fs.writeFile(seeded.file, "tampered");
    const result = await run(["review", "approve", String(seeded.runId), "--store", store, "--json"], env);
    expect(json<{ error: { code: string } }>(result.stdout).error.code).toBe("ADAPTER_CHECKSUM_MISMATCH");
    const review = json<{ pending: unknown[] }>((await run(["review", "--store", store, "--json"], env)).stdout);
    expect(review.pending).toHaveLength(1);
  });
});

describe("seal CLI consolidation: consolidate and ask, up to the model", () => {
  it("consolidate with no tenant holding memories does nothing, without loading a model", async () => {
    const dir = await tempDir();
    const store = path.join(dir, "memory.db");
    await hashingStore(store);
    const result = await run(["consolidate", "--store", store, "--json"], { ...isolated(dir), SEAL_MODEL: path.join(dir, "no-model.gguf") });
    expect(result.code, result.stderr).toBe(0);
    expect(json(result.stdout)).toMatchObject({ ok: true, tenants: [] });
  });

  it("consolidate and ask refuse bad flags and unknown tenants before the model loads", async () => {
    const dir = await tempDir();
    const store = await importedStore(dir);
    // A model path that does not exist: reaching the model would fail with MODEL_NOT_FOUND.
    const env = { ...isolated(dir), SEAL_MODEL: path.join(dir, "no-model.gguf") };
    const cases: Array<[string[], string, RegExp?]> = [
      [["consolidate", "--mode", "fast"], "INVALID_OPTIONS", /--mode/],
      [["consolidate", "--review", "sometimes"], "INVALID_OPTIONS", /--review/],
      [["consolidate", "--lr", "-1"], "INVALID_OPTIONS", /--lr/],
      [["consolidate", "--epochs", "many"], "INVALID_OPTIONS", /--epochs/],
      [["consolidate", "--samples", "99"], "INVALID_OPTIONS", /--samples/],
      [["consolidate", "--strategies", "qa,poetry"], "INVALID_OPTIONS", /poetry/],
      [["consolidate", "--writer", "teacher"], "INVALID_OPTIONS", /--writer/],
      [["consolidate", "--writer", "openai:gpt-4o-mini"], "INVALID_OPTIONS", /openai:<model>@<baseURL>/],
      [["consolidate", "--writer", "openai:m@not a url"], "INVALID_OPTIONS", /--writer/],
      [["consolidate", "--writer", `gguf:${path.join(dir, "teacher.gguf")}`], "MODEL_NOT_FOUND"],
      [["consolidate", "--api-key-env", "KEY"], "INVALID_OPTIONS", /--api-key-env/],
      [["consolidate", "--settings", "{not json"], "INVALID_OPTIONS", /--settings: not valid JSON/],
      [["consolidate", "--settings", path.join(dir, "missing.json")], "INVALID_OPTIONS", /--settings: cannot read/],
      [["consolidate", "--settings", "[1]"], "INVALID_OPTIONS", /--settings/],
      [["consolidate", "--settings", JSON.stringify({ gate: { maxDrift: -1 } })], "INVALID_OPTIONS", /gate\.maxDrift/],
      [["consolidate", "--settings", JSON.stringify({ gate: { driftPrompts: 13 } })], "INVALID_OPTIONS", /gate\.driftPrompts/],
      [["consolidate", "--settings", JSON.stringify({ training: { epochs: 0 } })], "INVALID_OPTIONS", /--epochs/],
      [["consolidate", "--settings", JSON.stringify({ nonsense: true })], "INVALID_OPTIONS", /nonsense/],
      [["consolidate", "--tenant", "nobody"], "TENANT_NOT_FOUND"],
      [["ask", "--tenant", "nobody", "what is my name?"], "TENANT_NOT_FOUND"],
      [["ask", "--tenant", "ada/agent"], "INVALID_OPTIONS", /question/],
      [["ask", "what is my name?"], "TENANT_INVALID"],
    ];
    for (const [args, code, message] of cases) {
      const result = await run([...args, "--store", store, "--json"], env);
      expect(result.code, args.join(" ")).toBe(1);
      const error = json<{ error: { code: string; message: string; hint: string } }>(result.stdout).error;
      expect(error.code, args.join(" ")).toBe(code);
      if (message) expect(error.message).toMatch(message);
      expect(error.hint, args.join(" ")).toBeTruthy();
    }
  });
});

describe("seal CLI consolidation: help", () => {
  const names = ["consolidate", "review", "review show", "review approve", "review reject", "adapters", "adapters rollback", "memories list", "memories show", "memories import", "ask", "audit"];

  it("`seal --help` lists every consolidation command", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    for (const name of names) expect(result.stdout).toContain(`seal ${name} `);
  });

  it.each(names)("`seal %s --help` prints its usage", async (name) => {
    const result = await run([...name.split(" "), "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`usage: seal ${name}`);
    expect(result.stdout).toContain("--json");
  });

  it("`seal memories` alone names its commands", async () => {
    const result = await run(["memories"]);
    expect(result.code).toBe(1);
    expect(hintOf(result.stderr)).toMatch(/list, show, import/);
  });
});
