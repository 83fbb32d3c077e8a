import fs from "node:fs/promises";
import path from "node:path";
import { SealError } from "../errors.js";

/**
 * Checks, before any training, that the adapter can be written where asked: a file (not a folder)
 * in a writable folder, and not an existing file unless replacing it was asked for. Training takes
 * minutes; failing at the rename at the end, or replacing a finished adapter, wastes them.
 */
export async function checkOutputPath(outPath: string, options: { overwrite: boolean }): Promise<void> {
  const target = await fs.stat(outPath).catch(() => undefined);
  if (target?.isDirectory()) {
    throw new SealError("OUTPUT_UNWRITABLE", `${outPath} is a folder`, {
      hint: `Give the output as a file path, e.g. ${path.join(outPath, "adapter.gguf")}.`,
      context: { outPath },
    });
  }
  if (target && !options.overwrite) {
    throw new SealError("OUTPUT_EXISTS", `${outPath} already exists`, {
      hint: "Choose another output path, or replace the file: `seal train --force`, `overwrite: true` in trainAdapter().",
      context: { outPath },
    });
  }
  const dir = path.dirname(outPath);
  const folder = await fs.stat(dir).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new SealError("OUTPUT_UNWRITABLE", `Output folder ${dir} does not exist`, { hint: `Create it first (\`mkdir -p ${dir}\`) or choose an existing folder.`, context: { dir } });
  }
  await fs.access(dir, fs.constants.W_OK).catch((error: unknown) => {
    throw new SealError("OUTPUT_UNWRITABLE", `Output folder ${dir} is not writable`, { hint: "Choose a folder you can write to.", context: { dir }, cause: error });
  });
}
