import path from "node:path";
import { z } from "zod";
import { parseOptions } from "../../config/parse-options.js";
import { SealRuntime } from "../../model/runtime.js";
import type { SelfEditWriter } from "../plugin-types.js";
import { localModelWriter } from "./local-model-writer.js";

export const ggufWriterOptionsSchema = z
  .object({
    /** The teacher's GGUF file (an instruct model with a chat template). */
    modelPath: z.string().min(1),
    /** CPU threads. Defaults to the runtime's default (the CPUs this process may use). */
    threads: z.number().int().positive().optional(),
    /** Context size in tokens. Defaults to `2048`. */
    contextSize: z.number().int().positive().optional(),
  })
  .strict();

export type GgufWriterOptions = z.input<typeof ggufWriterOptionsSchema>;

/**
 * A teacher writer: another GGUF model, loaded on the first write (a run that writes nothing never
 * pays for loading it). `dispose()` unloads it. SealRuntime.load shares one instance per file and
 * settings in a process, so for the student's own file use `studentWriter` (createWriter does),
 * or disposing the teacher would unload the student.
 */
export function ggufWriter(options: GgufWriterOptions): SelfEditWriter {
  const parsed = parseOptions(ggufWriterOptionsSchema, options, "ggufWriter");
  let loaded: Promise<SealRuntime> | undefined;
  const runtime = () => {
    loaded ??= SealRuntime.load({
      modelPath: parsed.modelPath,
      ...(parsed.threads === undefined ? {} : { threads: parsed.threads }),
      ...(parsed.contextSize === undefined ? {} : { contextSize: parsed.contextSize }),
    });
    loaded.catch(() => (loaded = undefined)); // a missing file can be fixed and retried
    return loaded;
  };
  return localModelWriter({
    id: `gguf:${path.basename(parsed.modelPath)}`,
    runtime,
    onDispose: async () => {
      const teacher = await loaded?.catch(() => undefined);
      loaded = undefined;
      await teacher?.dispose();
    },
  });
}
