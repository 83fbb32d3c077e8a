import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consolidate, HashingEmbedder, MemoryStore, SealRuntime } from "../../src/index.js";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { insertVersion, nextVersionNumber, setVersionState } from "../../src/store/adapter-versions.js";
import { findTenantId } from "../../src/store/tenants.js";
import { importedStore, isolated } from "../helpers/consolidation-rows.js";
import { codeOf } from "../helpers/error-code.js";
import { freePort } from "../helpers/llama-server.js";
import { runSeal } from "../helpers/run-cli.js";
import { cliErrorCode, storeFingerprint } from "../helpers/store-fingerprint.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 12: the bad inputs that need the model (tests/integration/bad-input.test.ts has the rest).
// A teacher endpoint that does not answer, fails, or answers something that is not a chat
// completion; an adapter trained on another base model; the model file replaced under a running
// process. Each must fail with its code before anything is stored.
//
// The failing teachers are a real HTTP server on this machine that answers 500 or an HTML page,
// as a misconfigured proxy would; the unreachable one is a port nothing listens on.

let dir: string;
let store: string;
let env: NodeJS.ProcessEnv;
let teacher: http.Server;
let teacherPort = 0;
let modelPath: string;

beforeAll(async () => {
  dir = await tempDir("seal-bad-input-model-", "file");
  // The user's cache (model, native build) is kept: only the store is isolated.
  env = { ...isolated(dir), HOME: process.env.HOME ?? "" };
  store = await importedStore(dir);
  modelPath = (await ensureModel()).path;
  teacher = http.createServer((request, response) => {
    request.resume();
    if (request.url?.startsWith("/fails/")) {
      response.writeHead(500, { "content-type": "application/json" }).end('{"error":{"message":"upstream exploded"}}');
    } else {
      response.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome to the proxy</body></html>");
    }
  });
  await new Promise<void>((resolve) => teacher.listen(0, "127.0.0.1", resolve));
  teacherPort = (teacher.address() as AddressInfo).port;
}, 600_000);
afterAll(async () => {
  await new Promise((resolve) => teacher?.close(resolve));
});

/** `seal consolidate` of ada/agent with a teacher at `baseURL`. */
const consolidateWith = (baseURL: string) => cliErrorCode(env, ["consolidate", "--tenant", "ada/agent", "--writer", `openai:teacher@${baseURL}`, "--store", store]);

/** An adapter trained by seal-train, with its recorded base sha256 changed to another model's. */
async function adapterOfAnotherBase(): Promise<{ file: string; sha256: string }> {
  const data = path.join(dir, "one.jsonl");
  fs.writeFileSync(data, `${JSON.stringify({ text: "The user's name is Ada Lovelace." })}\n`);
  const out = path.join(dir, "trained.gguf");
  const trained = await runSeal(["train", data, "--out", out, "--epochs", "1", "--json"], env);
  expect(trained.code, trained.stdout + trained.stderr).toBe(0);
  const bytes = fs.readFileSync(out);
  const ownSha = createHash("sha256").update(fs.readFileSync(modelPath)).digest("hex");
  const at = bytes.indexOf(Buffer.from(ownSha));
  expect(at, "the adapter records its base's sha256").toBeGreaterThan(0);
  Buffer.from("0".repeat(64)).copy(bytes, at); // same length: the file stays valid GGUF
  fs.writeFileSync(out, bytes);
  return { file: out, sha256: createHash("sha256").update(bytes).digest("hex") };
}

describe("bad input that needs the model: a code, and nothing stored changes (issue 12)", () => {
  it("teacher endpoints: unreachable, failing (500), answering HTML instead of JSON", { timeout: 300_000 }, async () => {
    const unreachable = await freePort();
    for (const [name, baseURL] of [
      ["unreachable", `http://127.0.0.1:${unreachable}/v1`],
      ["failing", `http://127.0.0.1:${teacherPort}/fails/v1`],
      ["not JSON", `http://127.0.0.1:${teacherPort}/html/v1`],
    ] as const) {
      const before = storeFingerprint(store);
      expect(await consolidateWith(baseURL), name).toBe("WRITER_FAILED");
      expect(storeFingerprint(store), `${name}: stored data changed`).toBe(before);
    }
  });

  it("an active version whose adapter was trained on another base model: ADAPTER_INVALID when asked", { timeout: 300_000 }, async () => {
    const adapter = await adapterOfAnotherBase();
    const memory = MemoryStore.open({ path: store, embedder: new HashingEmbedder() });
    try {
      const tenantId = findTenantId(memory.db, ["ada", "agent"]) as number;
      const version = nextVersionNumber(memory.db, tenantId);
      const relative = path.join(`t${tenantId}`, `t${tenantId}.v${String(version).padStart(4, "0")}.gguf`);
      fs.mkdirSync(path.dirname(path.join(`${store}.adapters`, relative)), { recursive: true });
      fs.copyFileSync(adapter.file, path.join(`${store}.adapters`, relative));
      const id = insertVersion(memory.db, { tenantId, version, runId: 1, file: relative, sha256: adapter.sha256, baseModelSha256: "0".repeat(64), trainingSha256: "c".repeat(64), parentVersionId: null, settingsJson: "{}", now: Date.now() });
      setVersionState(memory.db, id, "active", Date.now());
    } finally {
      memory.close();
    }
    const before = storeFingerprint(store);
    expect(await cliErrorCode(env, ["ask", "--tenant", "ada/agent", "--no-memory", "--max-tokens", "4", "What is my name?", "--store", store])).toBe("ADAPTER_INVALID");
    expect(storeFingerprint(store)).toBe(before);
  });

  it("the model file replaced under a running process: MODEL_CHECKSUM_MISMATCH before a consolidation stores anything", { timeout: 300_000 }, async () => {
    const copy = path.join(dir, "model-copy.gguf");
    fs.copyFileSync(modelPath, copy);
    const runtime = await SealRuntime.load({ modelPath: copy });
    const memory = MemoryStore.open({ path: store, embedder: new HashingEmbedder() });
    try {
      // Another model put at the same path (here the same bytes under a new inode, as `cp` over a rename does).
      const replacement = `${copy}.new`;
      fs.copyFileSync(modelPath, replacement);
      fs.renameSync(replacement, copy);
      const before = storeFingerprint(store);
      expect(await codeOf(consolidate(memory, runtime, ["ada", "agent"]))).toBe("MODEL_CHECKSUM_MISMATCH");
      expect(storeFingerprint(store)).toBe(before);
    } finally {
      memory.close();
      await runtime.dispose();
    }
  });
});
