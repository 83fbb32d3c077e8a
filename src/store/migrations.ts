import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { SealError } from "../errors.js";

export interface MigrationFile {
  /** The number from the file name: `0001_memory_core.sql` is 1. */
  version: number;
  name: string;
  sql: string;
  sha256: string;
}

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Numbered SQL files from `dir`, in order. Two files with one number are a packaging mistake. */
export function readMigrations(dir: string): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((name) => FILE_PATTERN.test(name)).sort();
  const seen = new Set<number>();
  return files.map((name) => {
    const version = Number(FILE_PATTERN.exec(name)?.[1]);
    if (seen.has(version)) throw new SealError("MIGRATION_FAILED", `Two migrations are numbered ${version}`, { context: { dir } });
    seen.add(version);
    const sql = fs.readFileSync(path.join(dir, name), "utf8");
    return { version, name, sql, sha256: createHash("sha256").update(sql).digest("hex") };
  });
}

/**
 * Applies the migrations not yet applied, each in its own transaction with its sha256 recorded,
 * after checking that every applied one is unchanged: a database whose history was rewritten is
 * refused rather than guessed at.
 */
export function migrate(db: Database.Database, migrations: MigrationFile[]): { applied: string[] } {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const applied = new Map(
    (db.prepare("SELECT version, name, sha256 FROM schema_migrations").all() as Array<{ version: number; name: string; sha256: string }>).map((row) => [row.version, row]),
  );
  for (const migration of migrations) {
    const record = applied.get(migration.version);
    if (record && record.sha256 !== migration.sha256) {
      throw new SealError("MIGRATION_CHANGED", `Migration ${migration.name} changed after it was applied to this database`, {
        hint: "Restore the original file and add a new numbered migration for the change.",
        context: { file: migration.name, appliedSha256: record.sha256, fileSha256: migration.sha256 },
      });
    }
  }
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    // IMMEDIATE: two processes starting at once must not both apply the same migration.
    const apply = db.transaction(() => {
      const again = db.prepare("SELECT sha256 FROM schema_migrations WHERE version = ?").get(migration.version);
      if (again) return false;
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)").run(migration.version, migration.name, migration.sha256, Date.now());
      return true;
    });
    try {
      if (apply.immediate()) done.push(migration.name);
    } catch (error) {
      if (SealError.isInstance(error)) throw error;
      throw new SealError("MIGRATION_FAILED", `Migration ${migration.name} failed: ${(error as Error).message}`, { context: { file: migration.name }, cause: error });
    }
  }
  return { applied: done };
}
