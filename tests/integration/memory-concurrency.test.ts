import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/memory/memory-store.js";
import { HashingEmbedder } from "../../src/vector/hashing-embedder.js";
import { tempDir } from "../helpers/temp-dir.js";

const run = promisify(execFile);
const worker = path.resolve("tests/integration/workers/concurrent-writer.mjs");

describe("concurrent writers", () => {
  it("4 processes each write 1,000 memories at once: all 4,000 are there, and no SQLITE_BUSY reaches a caller", { timeout: 300_000 }, async () => {
    expect(fs.existsSync("dist/src/index.js"), "run `npm run build` first (npm test does)").toBe(true);
    const dir = await tempDir("seal-concurrency-");
    const file = path.join(dir, "shared.db");
    MemoryStore.open({ path: file, embedder: new HashingEmbedder() }).close(); // created before the race
    const results = await Promise.all([0, 1, 2, 3].map((index) => run(process.execPath, [worker, file, String(index), "1000"], { maxBuffer: 1 << 20 }).then((out) => JSON.parse(out.stdout) as { ok: boolean })));
    expect(results.every((result) => result.ok)).toBe(true);

    const store = MemoryStore.open({ path: file, embedder: new HashingEmbedder() });
    const texts = store.list(["shared"]).map((memory) => memory.text);
    expect(texts).toHaveLength(4000);
    for (const index of [0, 1, 2, 3]) expect(texts.filter((text) => text.startsWith(`w${index}n`))).toHaveLength(1000);
    // and the index (rebuilt or replayed from four writers' logs) finds them
    const probe = texts[2500] as string;
    expect((await store.search(["shared"], probe))[0]?.memory.text).toBe(probe);
    store.close();
  });
});
