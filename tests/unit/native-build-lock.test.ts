import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withNativeBuildLock } from "../../src/train/native-build-lock.js";
import { tempDir } from "../helpers/temp-dir.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withNativeBuildLock", () => {
  it("runs one build at a time and removes the lock afterwards", async () => {
    const lock = path.join(await tempDir(), "build.lock");
    const events: string[] = [];
    const build = (name: string) =>
      withNativeBuildLock(lock, async () => {
        events.push(`${name} start`);
        await sleep(150);
        events.push(`${name} end`);
        return name;
      }, { pollMs: 20 });
    expect(await Promise.all([build("a"), build("b")])).toEqual(["a", "b"]);
    // Either may go first; the other starts only after it has ended.
    const [first, second] = events[0] === "a start" ? ["a", "b"] : ["b", "a"];
    expect(events).toEqual([`${first} start`, `${first} end`, `${second} start`, `${second} end`]);
    await expect(fs.access(lock)).rejects.toThrow();
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const lock = path.join(await tempDir(), "build.lock");
    // A pid far above any pid_max: no such process.
    await fs.writeFile(lock, "2147483646\n");
    expect(await withNativeBuildLock(lock, async () => "built", { pollMs: 20 })).toBe("built");
  });

  it("releases the lock when the build fails", async () => {
    const lock = path.join(await tempDir(), "build.lock");
    await expect(withNativeBuildLock(lock, async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    await expect(fs.access(lock)).rejects.toThrow();
  });

  it("stops waiting when aborted", async () => {
    const lock = path.join(await tempDir(), "build.lock");
    await fs.writeFile(lock, `${process.pid}\n`); // held by a live process (this one)
    const controller = new AbortController();
    const waiting = withNativeBuildLock(lock, async () => "never", { pollMs: 20, signal: controller.signal });
    setTimeout(() => controller.abort(), 60);
    await expect(waiting).rejects.toMatchObject({ code: "ABORTED" });
  });
});
