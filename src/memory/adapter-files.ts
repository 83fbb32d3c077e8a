import fs from "node:fs";
import path from "node:path";
import { SealError } from "../errors.js";
import { memoizedFileSha256 } from "../model/file-sha256.js";
import type { VersionRow } from "../store/adapter-versions.js";

/** Adapters live next to the memory database: `<store>.adapters/t<tenant id>/t<id>.v0007.gguf`. */
export function adapterRootOf(storePath: string): string {
  return `${path.resolve(storePath)}.adapters`;
}

/** A tenant's folder is named by its row id, not its namespace: no user name leaks into paths. */
export function tenantAdapterDir(root: string, tenantId: number): string {
  return path.join(root, `t${tenantId}`);
}

/**
 * The version's file, checked against its recorded sha256 before anything loads it (memoized by
 * size and mtime, so serving checks once per file, not per call).
 */
export async function verifiedAdapterPath(root: string, version: Pick<VersionRow, "file" | "sha256" | "version" | "tenant_id">): Promise<string> {
  if (!version.file) throw new SealError("ADAPTER_CHECKSUM_MISMATCH", `Adapter version ${version.version} has no file (it was deleted)`, { context: { version: version.version } });
  const filePath = path.join(root, version.file);
  let sha256: string;
  try {
    sha256 = await memoizedFileSha256(filePath);
  } catch (error) {
    throw new SealError("ADAPTER_CHECKSUM_MISMATCH", `Adapter file ${filePath} is missing`, {
      hint: "Roll back to another version (`seal adapters rollback`) or consolidate again; the database is the source of truth.",
      context: { filePath, version: version.version },
      cause: error,
    });
  }
  if (sha256 !== version.sha256) {
    throw new SealError("ADAPTER_CHECKSUM_MISMATCH", `Adapter file ${filePath} does not match its recorded sha256`, {
      hint: "The file was changed or damaged after it was trained. Roll back (`seal adapters rollback`) or consolidate again.",
      context: { filePath, expected: version.sha256, actual: sha256 },
    });
  }
  return filePath;
}

/**
 * Deletes files in a tenant's folder that no row names (a killed trainer's temporary or finished
 * file, a killed run's training data), except `keep`.
 */
export function sweepUnnamedFiles(dir: string, named: ReadonlySet<string>, root: string, keep: ReadonlySet<string> = new Set()): string[] {
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (keep.has(full) || named.has(path.relative(root, full))) continue;
    fs.rmSync(full, { force: true, recursive: true });
    removed.push(full);
  }
  return removed;
}
