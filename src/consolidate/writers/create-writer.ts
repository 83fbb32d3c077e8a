import path from "node:path";
import { parseOptions } from "../../config/parse-options.js";
import type { SealRuntime } from "../../model/runtime.js";
import { writerSpecSchema, type WriterSpec } from "../consolidation-settings.js";
import type { SelfEditWriter } from "../plugin-types.js";
import { ggufWriter } from "./gguf-writer.js";
import { localModelWriter } from "./local-model-writer.js";
import { openAIWriter } from "./openai-writer.js";
import { studentWriter } from "./student-writer.js";

/**
 * The writer a settings object or the CLI names (`{ kind: "student" }`, `{ kind: "gguf", modelPath }`,
 * `{ kind: "openai", baseURL, model, apiKeyEnv? }`), validated. `runtime` is the student.
 */
export function createWriter(spec: WriterSpec, runtime: SealRuntime): SelfEditWriter {
  const parsed = parseOptions(writerSpecSchema, spec, "createWriter");
  switch (parsed.kind) {
    case "student":
      return studentWriter(runtime);
    case "gguf":
      // A "teacher" that is the student's own file: write with the loaded student instead of a
      // second load, which SealRuntime.load would share, so disposing it would unload the student.
      if (path.resolve(parsed.modelPath) === path.resolve(runtime.modelPath)) {
        return localModelWriter({ id: `gguf:${path.basename(parsed.modelPath)}`, runtime: () => Promise.resolve(runtime) });
      }
      return ggufWriter({ modelPath: parsed.modelPath });
    case "openai":
      return openAIWriter({ baseURL: parsed.baseURL, model: parsed.model, ...(parsed.apiKeyEnv ? { apiKeyEnv: parsed.apiKeyEnv } : {}) });
  }
}
