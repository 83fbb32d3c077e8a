import fs from "node:fs/promises";
import path from "node:path";
import { SealError } from "../../errors.js";
import { fileSha256 } from "../file-sha256.js";

/**
 * Moves a freshly fetched file into the cache only if its sha256 is the pinned one. The rename is
 * atomic on one filesystem, so the cache never holds a half-written or unverified model; a bad file
 * is deleted rather than left behind.
 */
export async function installVerifiedFile(tempPath: string, finalPath: string, expectedSha256: string): Promise<void> {
  const actual = await fileSha256(tempPath);
  if (actual !== expectedSha256) {
    await fs.rm(tempPath, { force: true });
    throw new SealError("MODEL_CHECKSUM_MISMATCH", `Fetched file has sha256 ${actual}, expected ${expectedSha256}`, {
      hint: "The source served different bytes than the pinned model. Nothing was cached.",
      context: { expected: expectedSha256, actual },
    });
  }
  await fs.mkdir(path.dirname(finalPath), { recursive: true });
  await fs.rename(tempPath, finalPath);
}

/** A unique temporary name next to the final path (same filesystem, so rename is atomic). */
export function temporaryPathFor(finalPath: string): string {
  return `${finalPath}.tmp-${process.pid}-${Date.now()}`;
}
