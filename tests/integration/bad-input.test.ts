import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { approveRun, HashingEmbedder, MemoryStore, rejectRun, rollbackVersion } from "../../src/index.js";
import { openDatabase } from "../../src/store/database.js";
import { findTenantId } from "../../src/store/tenants.js";
import { importedStore, isolated, pendingRun } from "../helpers/consolidation-rows.js";
import { codeOf } from "../helpers/error-code.js";
import { cliErrorCode, storeFingerprint } from "../helpers/store-fingerprint.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";

// Issue 12: bad input through the API and the CLI. Each case must fail with its own code and
// change nothing stored: the database's rows (every table) and the adapter files are fingerprinted
// before and after. No model is loaded here; the cases that need one are in
// tests/model/bad-input-model.test.ts.
//
// The store: tenant ada/agent with run 1 approved (v1 active), run 2 rejected and run 3 pending
// (v3 a candidate), all as the stages would leave them (fake adapter files with their sha256);
// tenant zed with one memory of its own.

let dir: string;
let store: string;
let env: NodeJS.ProcessEnv;
let pending: Awaited<ReturnType<typeof pendingRun>>;
let approvedRun = 0;
let rejectedRun = 0;
let zedMemory = 0;
let adaMemory = 0;

const withStore = async <T>(use: (memory: MemoryStore) => Promise<T> | T): Promise<T> => {
  const memory = MemoryStore.open({ path: store, embedder: new HashingEmbedder() });
  try {
    return await use(memory);
  } finally {
    memory.close();
  }
};

/** Writes `bytes` over a file for one case, and puts the original back after it. */
async function withFileAs(file: string, bytes: Buffer | undefined, use: () => Promise<string | undefined>): Promise<string | undefined> {
  const original = fs.readFileSync(file);
  if (bytes === undefined) fs.rmSync(file);
  else fs.writeFileSync(file, bytes);
  try {
    return await use();
  } finally {
    fs.writeFileSync(file, original);
  }
}

const write = (name: string, content: string | Buffer): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

beforeAll(async () => {
  dir = await tempDir("seal-bad-input-", "file");
  env = isolated(dir);
  store = await importedStore(dir);
  approvedRun = (await pendingRun(store)).runId;
  await withStore((memory) => approveRun(memory.db, approvedRun, { actor: "setup" }));
  rejectedRun = (await pendingRun(store)).runId;
  await withStore((memory) => rejectRun(memory.db, rejectedRun, { actor: "setup", reason: "setup" }));
  pending = await pendingRun(store);
  await withStore(async (memory) => {
    zedMemory = (await memory.remember(["zed"], { text: "Zed keeps bees on the roof." })).memory.id;
    adaMemory = (memory.list(["ada", "agent"])[0]?.id) as number;
  });
});

const TEN_MB = "x".repeat(10 * 1024 * 1024);

const CASES: Array<{ name: string; code: string; act: () => Promise<string | undefined> }> = [
  // Adapters and decisions
  { name: "approve a candidate whose file was corrupted", code: "ADAPTER_CHECKSUM_MISMATCH", act: () => withFileAs(pending.file, Buffer.from("fake adapter 3, damaged"), () => cliErrorCode(env, ["review", "approve", String(pending.runId), "--store", store])) },
  { name: "approve a candidate whose file was truncated", code: "ADAPTER_CHECKSUM_MISMATCH", act: () => withFileAs(pending.file, Buffer.from("fake"), () => cliErrorCode(env, ["review", "approve", String(pending.runId), "--store", store])) },
  { name: "approve a candidate whose manifest row names a missing file", code: "ADAPTER_CHECKSUM_MISMATCH", act: () => withFileAs(pending.file, undefined, () => cliErrorCode(env, ["review", "approve", String(pending.runId), "--store", store])) },
  { name: "approve a run approved already", code: "RUN_STATE_INVALID", act: () => cliErrorCode(env, ["review", "approve", String(approvedRun), "--store", store]) },
  { name: "approve a rejected run", code: "RUN_STATE_INVALID", act: () => cliErrorCode(env, ["review", "approve", String(rejectedRun), "--store", store]) },
  { name: "approve a run that does not exist", code: "RUN_NOT_FOUND", act: () => cliErrorCode(env, ["review", "approve", "999", "--store", store]) },
  { name: "approve a run id that is not a number", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["review", "approve", "latest", "--store", store]) },
  { name: "approve with an actor name of 300 characters", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["review", "approve", String(pending.runId), "--actor", "a".repeat(300), "--store", store]) },
  { name: "approveRun() with an empty actor", code: "INVALID_OPTIONS", act: () => withStore((memory) => codeOf(Promise.resolve().then(() => approveRun(memory.db, pending.runId, { actor: " " })))) },
  { name: "reject without a reason", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["review", "reject", String(pending.runId), "--store", store]) },
  { name: "reject a run approved already", code: "RUN_STATE_INVALID", act: () => cliErrorCode(env, ["review", "reject", String(approvedRun), "--reason", "late", "--store", store]) },
  { name: "roll back with no earlier version", code: "VERSION_NOT_FOUND", act: () => cliErrorCode(env, ["adapters", "rollback", "--tenant", "ada/agent", "--store", store]) },
  { name: "roll back to a version that does not exist", code: "VERSION_NOT_FOUND", act: () => cliErrorCode(env, ["adapters", "rollback", "--tenant", "ada/agent", "--to", "7", "--store", store]) },
  { name: "roll back to a rejected version", code: "VERSION_NOT_FOUND", act: () => cliErrorCode(env, ["adapters", "rollback", "--tenant", "ada/agent", "--to", "2", "--store", store]) },
  { name: "rollbackVersion() for a tenant with no versions", code: "VERSION_NOT_FOUND", act: () => withStore((memory) => codeOf(Promise.resolve().then(() => rollbackVersion(memory.db, findTenantId(memory.db, ["zed"]) as number, { actor: "me" })))) },
  // Tenants and memories
  { name: "forget in an unknown tenant", code: "TENANT_NOT_FOUND", act: () => cliErrorCode(env, ["memories", "forget", String(adaMemory), "--tenant", "nobody", "--store", store]) },
  { name: "forget another tenant's memory", code: "MEMORY_NOT_FOUND", act: () => cliErrorCode(env, ["memories", "forget", String(zedMemory), "--tenant", "ada/agent", "--store", store]) },
  { name: "forget a memory id that does not exist", code: "MEMORY_NOT_FOUND", act: () => cliErrorCode(env, ["memories", "forget", "99999", "--tenant", "ada/agent", "--store", store]) },
  { name: "forget an id that is not a number", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["memories", "forget", "Ada", "--tenant", "ada/agent", "--store", store]) },
  { name: "forget() of another tenant's memory", code: "MEMORY_NOT_FOUND", act: () => withStore((memory) => codeOf(Promise.resolve().then(() => memory.forget(["ada", "agent"], zedMemory)))) },
  { name: "a tenant name with an empty part", code: "TENANT_INVALID", act: () => cliErrorCode(env, ["memories", "list", "--tenant", "ada//agent", "--store", store]) },
  { name: "remember() a 10 MB text", code: "MEMORY_INVALID", act: () => withStore((memory) => codeOf(memory.remember(["ada", "agent"], { text: TEN_MB }))) },
  { name: "remember() an empty text", code: "MEMORY_INVALID", act: () => withStore((memory) => codeOf(memory.remember(["ada", "agent"], { text: "   " }))) },
  { name: "remember() a text that is not a string", code: "MEMORY_INVALID", act: () => withStore((memory) => codeOf(memory.remember(["ada", "agent"], { text: { toString: () => "sneaky" } as unknown as string }))) },
  { name: "search() with a 10 MB query", code: "INVALID_OPTIONS", act: () => withStore((memory) => codeOf(memory.search(["ada", "agent"], TEN_MB))) },
  // Import files
  { name: "import a line that is not JSON", code: "MEMORY_INVALID", act: () => cliErrorCode(env, ["memories", "import", write("broken.jsonl", '{"role":"user","content":"My name is Bea."}\n{"role": "user", "content": \n'), "--tenant", "ada/agent", "--store", store]) },
  { name: "import a line without content", code: "MEMORY_INVALID", act: () => cliErrorCode(env, ["memories", "import", write("shape.jsonl", '{"role":"user","content":"My name is Bea."}\n{"role":"user"}\n'), "--tenant", "ada/agent", "--store", store]) },
  { name: "import non-UTF-8 bytes", code: "MEMORY_INVALID", act: () => cliErrorCode(env, ["memories", "import", write("latin1.jsonl", Buffer.concat([Buffer.from('{"role":"user","content":"My name is B'), Buffer.from([0xe9, 0xff]), Buffer.from('a."}\n')])), "--tenant", "ada/agent", "--store", store]) },
  { name: "import a 10 MB message", code: "MEMORY_INVALID", act: () => cliErrorCode(env, ["memories", "import", write("huge.jsonl", `${JSON.stringify({ role: "user", content: `My name is ${TEN_MB}.` })}\n`), "--tenant", "ada/agent", "--store", store]) },
  { name: "import a file that does not exist", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["memories", "import", path.join(dir, "nope.jsonl"), "--tenant", "ada/agent", "--store", store]) },
  // Schedules and settings
  { name: "schedule with an invalid cron expression", code: "SCHEDULE_INVALID", act: () => cliErrorCode(env, ["schedule", "--cron", "every night", "--store", store]) },
  { name: "schedule in a time zone that does not exist", code: "SCHEDULE_INVALID", act: () => cliErrorCode(env, ["schedule", "--cron", "0 3 * * *", "--timezone", "Mars/Olympus_Mons", "--store", store]) },
  { name: "consolidate with settings that are not JSON", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["consolidate", "--tenant", "ada/agent", "--settings", "{epochs: 3", "--store", store]) },
  { name: "consolidate with an unknown setting", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["consolidate", "--tenant", "ada/agent", "--settings", '{"epochz":3}', "--store", store]) },
  { name: "consolidate with a negative epoch count", code: "INVALID_OPTIONS", act: () => cliErrorCode(env, ["consolidate", "--tenant", "ada/agent", "--epochs", "-3", "--store", store]) },
  { name: "consolidate an unknown tenant", code: "TENANT_NOT_FOUND", act: () => cliErrorCode(env, ["consolidate", "--tenant", "nobody", "--dry-run", "--store", store]) },
  // The store itself
  { name: "--store naming a folder", code: "STORE_UNAVAILABLE", act: () => cliErrorCode(env, ["review", "--store", dir]) },
  { name: "--store naming a file that is not a database", code: "STORE_UNAVAILABLE", act: () => cliErrorCode(env, ["review", "--store", write("notes.db", "these are my notes, not SQLite\n")]) },
  { name: "open the store with another embedder", code: "INVALID_OPTIONS", act: () => codeOf(Promise.resolve().then(() => MemoryStore.open({ path: store, embedder: new HashingEmbedder({ dims: 64 }) }))) },
  {
    name: "open the store with a migration that changed after it was applied",
    code: "MIGRATION_CHANGED",
    act: async () => {
      const migrations = path.join(dir, "migrations-changed");
      fs.cpSync(path.resolve("migrations"), migrations, { recursive: true });
      const first = fs.readdirSync(migrations).find((name) => name.startsWith("0001")) as string;
      fs.appendFileSync(path.join(migrations, first), "\n-- edited after release\n");
      return codeOf(Promise.resolve().then(() => openDatabase(store, { migrationsDir: migrations })));
    },
  },
];

describe("bad input: a code, and nothing stored changes (issue 12)", () => {
  it(`${CASES.length} cases through the API and the CLI`, { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    for (const testCase of CASES) {
      const before = storeFingerprint(store);
      const code = await testCase.act();
      const changed = storeFingerprint(store) !== before;
      if (code !== testCase.code || changed) failures.push(`${testCase.name}: ${code}${code === testCase.code ? "" : ` (expected ${testCase.code})`}${changed ? ", and stored data changed" : ""}`);
    }
    process.stdout.write(`bad input: ${CASES.length - failures.length} of ${CASES.length} cases refused with their code and nothing changed\n`);
    expect(failures).toEqual([]);
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(await listFiles(`${store}.adapters`)).toHaveLength(3);
  });
});
