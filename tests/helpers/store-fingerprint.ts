import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { runSeal } from "./run-cli.js";

/** Every row of every table of a store, and every file in its adapter folder, as one hash: "nothing stored changed" checks. */
export function storeFingerprint(store: string): string {
  const db = new Database(store, { readonly: true });
  const hash = createHash("sha256");
  try {
    for (const table of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]) {
      hash.update(`${table}\n${JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).raw().all(), (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString("base64") : value))}\n`);
    }
  } finally {
    db.close();
  }
  const adapters = `${store}.adapters`;
  for (const file of fs.existsSync(adapters) ? fs.readdirSync(adapters, { recursive: true }).map(String).sort() : []) {
    const full = path.join(adapters, file);
    if (fs.statSync(full).isFile()) hash.update(`${file}:${createHash("sha256").update(fs.readFileSync(full)).digest("hex")}\n`);
  }
  return hash.digest("hex");
}

/** The code a `seal … --json` run failed with (its JSON error line), or what happened instead. */
export async function cliErrorCode(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const result = await runSeal([...args, "--json"], env);
  if (result.code === 0) return `exit 0: ${result.stdout}`;
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return (JSON.parse(line) as { error: { code: string } }).error.code;
  } catch {
    return `exit ${result.code}, no JSON error: ${result.stdout}${result.stderr}`;
  }
}
