import type Database from "better-sqlite3";

/** Records `value` under `name` unless a value is there already, and returns the recorded one: the first writer wins. */
export function claimSetting(db: Database.Database, name: string, value: string): string {
  db.prepare("INSERT OR IGNORE INTO store_settings (name, value) VALUES (?, ?)").run(name, value);
  return db.prepare("SELECT value FROM store_settings WHERE name = ?").pluck().get(name) as string;
}

/** The value recorded under `name`, if any. */
export function readSetting(db: Database.Database, name: string): string | undefined {
  return db.prepare("SELECT value FROM store_settings WHERE name = ?").pluck().get(name) as string | undefined;
}

/** Records `value` under `name`, replacing what was there: the last writer wins. */
export function writeSetting(db: Database.Database, name: string, value: string): void {
  db.prepare("INSERT INTO store_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(name, value);
}

/** Removes the value recorded under `name`, if any. */
export function deleteSetting(db: Database.Database, name: string): void {
  db.prepare("DELETE FROM store_settings WHERE name = ?").run(name);
}

/** The names recorded that begin with `prefix`. */
export function settingNamesWithPrefix(db: Database.Database, prefix: string): string[] {
  return db.prepare("SELECT name FROM store_settings WHERE substr(name, 1, ?) = ? ORDER BY name").pluck().all(prefix.length, prefix) as string[];
}
