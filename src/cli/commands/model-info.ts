import { ensureModel } from "../../model/pull/ensure-model.js";
import { readGgufMetadataNative } from "../../train/gguf-metadata.js";
import { inspectGivenModel } from "../../train/model-file.js";
import { createProgress, nativeBuildReporter } from "../progress.js";
import type { CommandContext } from "../command.js";

const SHOWN_KEYS = ["general.name", "general.architecture", "general.file_type", "llama.context_length", "llama.embedding_length", "llama.block_count"];

export const modelInfoCommand = {
  name: "model info",
  summary: "Print a model's metadata, read by the native llama.cpp build",
  usage: "seal model info [<model.gguf>] [--json]",
  options: { json: { type: "boolean" } },
  async run({ values, positionals, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    const given = positionals[0];
    // A missing or non-GGUF file is the user's to fix (MODEL_NOT_FOUND, MODEL_CORRUPT), not a
    // failure of the native tool that would otherwise be the first to read it.
    if (given !== undefined) await inspectGivenModel(given, "<model.gguf>");
    const modelPath = given ?? (await ensureModel({}, { signal })).path;
    const progress = createProgress({ json });
    const metadata = await readGgufMetadataNative(modelPath, { signal, onNativeBuild: nativeBuildReporter(progress) });
    progress.done();
    if (json) {
      process.stdout.write(`${JSON.stringify({ ok: true, path: modelPath, metadata })}\n`);
      return 0;
    }
    process.stdout.write(`${modelPath}\n`);
    for (const key of SHOWN_KEYS) if (metadata[key] !== undefined) process.stdout.write(`  ${key.padEnd(24)} ${metadata[key]}\n`);
    process.stdout.write(`  (${Object.keys(metadata).length} metadata keys; --json prints all)\n`);
    return 0;
  },
} as const;
