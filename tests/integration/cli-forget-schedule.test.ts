import path from "node:path";
import { describe, expect, it } from "vitest";
import { HashingEmbedder, MemoryStore } from "../../src/index.js";
import { runSeal } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

// `seal memories forget` and the refusals of `seal schedule` that come before any model loads.
const isolated = (dir: string) => ({ SEAL_STORE: "", XDG_DATA_HOME: path.join(dir, "xdg"), HOME: path.join(dir, "home") });

async function storeWith(texts: string[]): Promise<{ file: string; dir: string; ids: number[] }> {
  const dir = await tempDir("seal-cli-forget-");
  const file = path.join(dir, "memory.db");
  const store = MemoryStore.open({ path: file, embedder: new HashingEmbedder() });
  const ids: number[] = [];
  for (const text of texts) ids.push((await store.remember(["T"], { text })).memory.id);
  store.close();
  return { file, dir, ids };
}

describe("seal memories forget", () => {
  it("forgets the ids given, and says so as JSON", async () => {
    const { file, dir, ids } = await storeWith(["The user's mug is green.", "The user's desk is oak."]);
    const result = await runSeal(["memories", "forget", String(ids[0]), "--tenant", "T", "--store", file, "--json"], isolated(dir));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ tenant: "T", forgotten: [{ id: ids[0], status: "forgotten" }] });
    const again = await runSeal(["memories", "forget", String(ids[0]), "--tenant", "T", "--store", file], isolated(dir));
    expect(again.stdout).toMatch(/already forgotten/);
  });

  it("refuses an unknown id before forgetting any of the list, a non-id, no id, and no tenant", async () => {
    const { file, dir, ids } = await storeWith(["The user's mug is green."]);
    const missing = await runSeal(["memories", "forget", String(ids[0]), "999", "--tenant", "T", "--store", file], isolated(dir));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/MEMORY_NOT_FOUND: No memory 999 .*nothing was forgotten/);
    const store = MemoryStore.open({ path: file, embedder: new HashingEmbedder() });
    expect(store.get(["T"], ids[0] as number)?.status).toBe("active");
    store.close();
    for (const [args, code] of [
      [["memories", "forget", "abc", "--tenant", "T"], "INVALID_OPTIONS"],
      [["memories", "forget", "--tenant", "T"], "INVALID_OPTIONS"],
      [["memories", "forget", "1"], "TENANT_INVALID"],
      [["memories", "forget", "1", "--tenant", "Nobody"], "TENANT_NOT_FOUND"],
    ] as const) {
      const result = await runSeal([...args, "--store", file], isolated(dir));
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toMatch(new RegExp(`error ${code}`));
    }
  });
});

describe("seal schedule", () => {
  it("refuses a bad cron expression, a bad time zone, a missing --cron and an empty --tenants before loading anything", async () => {
    const { file, dir } = await storeWith(["The user's mug is green."]);
    for (const [args, code, pattern] of [
      [["--cron", "every day at 3"], "SCHEDULE_INVALID", /Invalid cron expression/],
      [["--cron", "61 * * * *"], "SCHEDULE_INVALID", /minute/],
      [["--cron", "0 3 * * *", "--timezone", "Mars/Olympus_Mons"], "SCHEDULE_INVALID", /time zone/],
      [[], "SCHEDULE_INVALID", /needs --cron/],
      [["--cron", "0 3 * * *", "--tenants", " , "], "TENANT_INVALID", /at least one/],
      [["--cron", "0 3 * * *", "--lr", "-1"], "INVALID_OPTIONS", /--lr/],
    ] as const) {
      const result = await runSeal(["schedule", ...args, "--store", file], isolated(dir));
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toMatch(new RegExp(`error ${code}`));
      expect(result.stderr, args.join(" ")).toMatch(pattern);
    }
  });
});
