import fs from "node:fs/promises";
import path from "node:path";
import { resolveModelFile } from "node-llama-cpp";
import { SealError } from "../../errors.js";
import type { DefaultModel } from "../default-model.js";
import { installVerifiedFile } from "./install-verified-file.js";

export interface HubRouteOptions {
  model: DefaultModel;
  modelsDir: string;
  finalPath: string;
  /** Give up when no bytes arrive for this long. node-llama-cpp's resolver can wait for minutes on
   * a network that drops packets instead of refusing them. */
  stallTimeoutMs: number;
  signal?: AbortSignal;
  onFraction: (fraction: number) => void;
}

/** Fast check that the hub answers at all, so an offline machine skips this route in milliseconds. */
export async function hubReachable(uri: string, timeoutMs = 5_000): Promise<{ ok: boolean; detail: string }> {
  const repo = /^hf:([^/]+\/[^/]+)/.exec(uri)?.[1];
  const url = `https://huggingface.co/api/models/${repo ?? ""}`;
  try {
    const response = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return { ok: response.status < 500, detail: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, detail: `unreachable (${cause ?? (error as Error).message})` };
  }
}

/** The real route for users with internet: node-llama-cpp's own resolver and downloader. */
export async function fetchModelFromHub(options: HubRouteOptions): Promise<void> {
  await fs.mkdir(options.modelsDir, { recursive: true });
  const workDir = await fs.mkdtemp(path.join(options.modelsDir, ".hub-"));
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  let stallTimer: NodeJS.Timeout | undefined;
  const armStallTimer = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => controller.abort(new Error("download stalled")), options.stallTimeoutMs);
  };
  try {
    armStallTimer();
    const download = resolveModelFile(options.model.hubUri, {
      directory: workDir,
      fileName: options.model.fileName,
      cli: false,
      signal: controller.signal,
      onProgress: ({ totalSize, downloadedSize }) => {
        armStallTimer();
        if (totalSize > 0) options.onFraction(downloadedSize / totalSize);
      },
    });
    // The resolver does not always honour the signal while it is still resolving the URI, so the
    // abort also settles our side of the race.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    });
    const downloadedPath = await Promise.race([download, aborted]);
    await installVerifiedFile(downloadedPath, options.finalPath, options.model.sha256);
  } catch (error) {
    if (SealError.isInstance(error)) throw error;
    throw new SealError("MODEL_PULL_FAILED", `Download from ${options.model.hubUri} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(stallTimer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
