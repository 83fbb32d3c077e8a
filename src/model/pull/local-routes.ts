import fs from "node:fs/promises";
import path from "node:path";
import { throwIfAborted } from "../../errors.js";
import { fileSha256 } from "../file-sha256.js";
import { inspectGguf } from "../gguf-inspect.js";
import type { ModelPullProgress, ModelRouteAttempt, ResolvedModel } from "./pull-types.js";

type Report = (route: ModelPullProgress["route"], stage: ModelPullProgress["stage"], message: string) => void;

/** The explicit-path route: the only one tried when a path is given; the file must be a GGUF model. */
export async function useExplicitPath(explicitPath: string, report: Report): Promise<ResolvedModel> {
  const resolvedPath = path.resolve(explicitPath);
  report("path", "checking", `using ${resolvedPath}`);
  await inspectGguf(resolvedPath, "model");
  report("path", "done", resolvedPath);
  return { path: resolvedPath, sha256: undefined, route: "path", attempts: [{ route: "path", outcome: "used", detail: resolvedPath }] };
}

/** The cache route: a hit is returned; a miss (or a damaged file, moved aside) is recorded in `attempts`. */
export async function useCache(finalPath: string, sha256: string, attempts: ModelRouteAttempt[], report: Report, signal: AbortSignal | undefined): Promise<ResolvedModel | undefined> {
  throwIfAborted(signal);
  report("cache", "checking", `verifying ${finalPath}`);
  const cached = await checkCachedFile(finalPath, sha256);
  attempts.push({ route: "cache", outcome: cached.ok ? "used" : "skipped", detail: cached.detail });
  if (cached.ok) {
    report("cache", "done", finalPath);
    return { path: finalPath, sha256, route: "cache", attempts };
  }
  report("cache", "skipped", cached.detail);
  return undefined;
}

/** A cached file counts only if its sha256 matches; a damaged one is moved aside, never used. */
async function checkCachedFile(finalPath: string, expectedSha256: string): Promise<{ ok: boolean; detail: string }> {
  const stat = await fs.stat(finalPath).catch(() => undefined);
  if (!stat) return { ok: false, detail: "not cached" };
  const actual = await fileSha256(finalPath);
  if (actual === expectedSha256) return { ok: true, detail: finalPath };
  const quarantine = `${finalPath}.bad-${Date.now()}`;
  await fs.rename(finalPath, quarantine);
  return { ok: false, detail: `cached file had sha256 ${actual.slice(0, 12)}…, moved to ${quarantine}` };
}
