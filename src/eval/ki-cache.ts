import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { KiPassage } from "./ki-data.js";
import type { KiPassageResult } from "./ki-passage-run.js";
import type { KiSettings } from "./ki-settings.js";

/**
 * The benchmark's resumable cache: one JSON file per (passage, condition, settings, model), written
 * under a temporary name and renamed, so an interrupted run loses at most the passage in progress
 * and parallel workers never see half a file. The key hashes the passage's content, not only its
 * id, so an edited data file re-runs what changed.
 */
export class KiCache {
  constructor(readonly dir: string) {}

  /**
   * `method` names how self-edits are written where the data does not hold them (`self`: the
   * product's writer, strategy and filters), so that results of another method are never reused.
   */
  key(passage: KiPassage, condition: string, settings: KiSettings, modelSha256: string, method?: string): string {
    const content = JSON.stringify({ title: passage.title, context: passage.context, questions: passage.questions, selfEdits: condition.startsWith("teacher:") ? passage.selfEdits[condition.slice(8)] : undefined });
    const relevant = relevantSettings(condition, settings);
    return createHash("sha256")
      .update(JSON.stringify({ v: 1, passage: passage.id, content, condition, settings: relevant, modelSha256, ...(method === undefined ? {} : { method }) }))
      .digest("hex")
      .slice(0, 32);
  }

  /** One key for a task over several passages (continued pretraining): the hash of their keys. */
  groupKey(passageKeys: readonly string[]): string {
    return createHash("sha256").update(JSON.stringify({ v: 1, group: passageKeys })).digest("hex").slice(0, 32);
  }

  /** Whether a result is stored, without reading it (progress polling asks this often). */
  async has(key: string): Promise<boolean> {
    return fs.access(this.file(key)).then(() => true, () => false);
  }

  /** The stored results (one per passage; a continued-pretraining run stores all its passages). */
  async get(key: string): Promise<KiPassageResult[] | undefined> {
    const text = await fs.readFile(this.file(key), "utf8").catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as KiPassageResult[];
    } catch {
      return undefined; // damaged (it cannot be half-written): run it again
    }
  }

  async put(key: string, results: readonly KiPassageResult[]): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const temp = `${this.file(key)}.tmp-${process.pid}`;
    await fs.writeFile(temp, JSON.stringify(results));
    await fs.rename(temp, this.file(key));
  }

  /** Takes a task for this worker: true for exactly one of the processes that ask. */
  async claim(key: string): Promise<boolean> {
    await fs.mkdir(this.dir, { recursive: true });
    try {
      await fs.writeFile(path.join(this.dir, `${key}.claim`), String(process.pid), { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
  }

  async clearClaims(): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => name.endsWith(".claim")).map((name) => fs.rm(path.join(this.dir, name), { force: true })));
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}

/**
 * The settings a condition's result depends on: a sweep over training settings then reuses the
 * untrained conditions' results, and a sweep over self-edit sampling reuses `passage`.
 */
function relevantSettings(condition: string, settings: KiSettings): Partial<KiSettings> {
  const { answerMaxTokens, seed, samples, selfEditTemperature, selfEditMaxTokens, ...training } = settings;
  const bare = condition.replace(/^cpt:/, "");
  if (bare === "base" || bare === "rag") return { answerMaxTokens };
  if (bare === "passage") return { answerMaxTokens, seed, ...training };
  if (bare.startsWith("teacher:")) return { answerMaxTokens, seed, samples, ...training };
  return settings;
}
