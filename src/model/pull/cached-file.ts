import fs from "node:fs/promises";
import { fileSha256 } from "../file-sha256.js";

/** A cached file counts only if its sha256 matches; a damaged one is moved aside, never used. */
export async function checkCachedFile(finalPath: string, expectedSha256: string): Promise<{ ok: boolean; detail: string }> {
  const stat = await fs.stat(finalPath).catch(() => undefined);
  if (!stat) return { ok: false, detail: "not cached" };
  const actual = await fileSha256(finalPath);
  if (actual === expectedSha256) return { ok: true, detail: finalPath };
  const quarantine = `${finalPath}.bad-${Date.now()}`;
  await fs.rename(finalPath, quarantine);
  return { ok: false, detail: `cached file had sha256 ${actual.slice(0, 12)}…, moved to ${quarantine}` };
}
