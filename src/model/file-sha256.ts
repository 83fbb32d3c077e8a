import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";

/** Streams a file through sha256, so a 100 MB model never sits in memory at once. */
export async function fileSha256(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const memo = new Map<string, { sizeBytes: number; modifiedMs: number; sha256: Promise<string> }>();

/**
 * fileSha256 for files hashed again and again in one process (the base model of every training
 * run): remembered while the file's size and modification time stay the same.
 */
export async function memoizedFileSha256(filePath: string): Promise<string> {
  const stat = await fs.stat(filePath);
  const known = memo.get(filePath);
  if (known && known.sizeBytes === stat.size && known.modifiedMs === stat.mtimeMs) return known.sha256;
  const sha256 = fileSha256(filePath);
  memo.set(filePath, { sizeBytes: stat.size, modifiedMs: stat.mtimeMs, sha256 });
  sha256.catch(() => memo.delete(filePath));
  return sha256;
}
