import { SealError } from "../errors.js";
import { inspectGguf, type GgufSummary } from "../model/gguf-inspect.js";

/**
 * inspectGguf for a model file the user named (`--base`, `baseModelPath`, `seal model info <file>`).
 * inspectGguf's hints are about the default model ("run `seal model pull`"), which does not help
 * someone whose own file is missing or is not a model; those errors get a hint that fits.
 * `given` says how the user named it, e.g. "--base (baseModelPath)".
 */
export async function inspectGivenModel(filePath: string, given: string): Promise<GgufSummary> {
  try {
    return await inspectGguf(filePath, "model");
  } catch (error) {
    if (!SealError.isInstance(error) || (error.code !== "MODEL_NOT_FOUND" && error.code !== "MODEL_CORRUPT")) throw error;
    // The message says what the file is (missing, not GGUF, a LoRA adapter); the hint what to give instead.
    const hint =
      error.code === "MODEL_NOT_FOUND"
        ? `Check the path given as ${given}, or leave it out to use the default model.`
        : `Give a GGUF model file (.gguf) as ${given}, or leave it out to use the default model.`;
    throw new SealError(error.code, error.message, { hint, context: error.context, cause: error });
  }
}
