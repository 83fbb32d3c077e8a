import path from "node:path";
import { z } from "zod";
import { parseOptions } from "../../config/parse-options.js";
import type { SealRuntime } from "../../model/runtime.js";
import type { SelfEditWriter } from "../plugin-types.js";
import { localModelWriter } from "./local-model-writer.js";

export const studentWriterOptionsSchema = z
  .object({
    /** Context size in tokens of the writer's context. Defaults to the runtime's `contextSize`. */
    contextSize: z.number().int().positive().optional(),
    /**
     * LoRA adapters to write with: the writer ("policy") adapter the RL loop trains. The id then
     * names them (`student+<file>`), so self-edits record which writer wrote them. Defaults to none.
     */
    adapters: z.array(z.object({ filePath: z.string().min(1), scale: z.number().optional() }).strict()).optional(),
  })
  .strict();

export type StudentWriterOptions = z.input<typeof studentWriterOptionsSchema>;

/**
 * The default writer: the base model writes its own self-edits (SEAL), with its chat template.
 * The runtime stays the caller's: `dispose()` frees only the writer's context.
 */
export function studentWriter(runtime: SealRuntime, options: StudentWriterOptions = {}): SelfEditWriter {
  const parsed = parseOptions(studentWriterOptionsSchema, options, "studentWriter");
  const adapters = parsed.adapters ?? [];
  const id = adapters.length === 0 ? "student" : `student+${adapters.map((adapter) => path.basename(adapter.filePath)).join("+")}`;
  return localModelWriter({
    id,
    runtime: () => Promise.resolve(runtime),
    ...(parsed.contextSize === undefined ? {} : { contextSize: parsed.contextSize }),
    ...(adapters.length > 0 ? { adapters } : {}),
  });
}
