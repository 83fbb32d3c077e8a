import { SealError } from "../../errors.js";
import { runCommand } from "../../system/run-command.js";
import { lastLines } from "./pip.js";

/**
 * Installs the GGUF converter's Python packages into `targetDir` (`pip install --target`, used
 * through PYTHONPATH). It needs no venv module and never touches the user's site-packages; the
 * caller deletes the folder after converting (about 80 MB that no later step needs, and pip's own
 * cache makes a second install quick).
 */
export async function installConverterPackages(python: string, targetDir: string, requirements: readonly string[], signal: AbortSignal | undefined): Promise<void> {
  const install = await runCommand(
    python,
    ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "--target", targetDir, ...requirements],
    { signal },
  );
  if (install.exitCode !== 0) {
    throw new SealError("PIP_FAILED", `pip could not install the converter's packages (${requirements.join(", ")})`, {
      hint: `Check that PyPI is reachable: \`${python} -m pip install ${requirements.map((requirement) => `'${requirement}'`).join(" ")}\`.`,
      context: { stderr: lastLines(install.stderr) },
    });
  }
}
