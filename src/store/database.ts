import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { packageRoot } from "../config/paths.js";
import { SealError } from "../errors.js";
import { migrate, readMigrations } from "./migrations.js";

export interface OpenDatabaseOptions {
  /** Folder of numbered SQL migrations. Defaults to this package's `migrations/`. */
  migrationsDir?: string;
  /** How long a writer waits for another process's write lock, in ms. Defaults to `10000`. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the memory database: WAL so that readers never wait for the writer
 * and several processes can share it, foreign keys on, secure_delete so that deleted text is
 * overwritten in the file, and every migration applied.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  let db: Database.Database;
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
  } catch (error) {
    throw new SealError("STORE_UNAVAILABLE", `Could not open the memory database at ${file}: ${(error as Error).message}`, { context: { path: file }, cause: error });
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("secure_delete = ON");
    db.pragma("synchronous = NORMAL"); // WAL + NORMAL: durable at each checkpoint, never corrupt
    migrate(db, readMigrations(options.migrationsDir ?? path.join(packageRoot(), "migrations")));
    return db;
  } catch (error) {
    db.close();
    if (SealError.isInstance(error)) throw error;
    throw new SealError("STORE_UNAVAILABLE", `Could not prepare the memory database at ${file}: ${(error as Error).message}`, { context: { path: file }, cause: error });
  }
}

/** Copies the WAL into the database file and truncates it: older WAL frames may still hold text that has since been erased. */
export function checkpointWal(db: Database.Database): void {
  db.pragma("wal_checkpoint(TRUNCATE)");
}
