import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach } from "vitest";

const createdForTest: string[] = [];
const createdForFile: string[] = [];

/**
 * A fresh temporary folder, removed after the current test; or, when created in `beforeAll`,
 * after the test file (it is then shared by the file's tests).
 */
export async function tempDir(prefix = "seal-test-", scope: "test" | "file" = "test"): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  (scope === "file" ? createdForFile : createdForTest).push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(createdForTest.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

afterAll(async () => {
  await Promise.all(createdForFile.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

/** Every file under a folder, relative paths, for "nothing was left behind" checks. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}
