import { ensureModel } from "../../model/pull/ensure-model.js";
import { readGgufMetadataNative } from "../../train/gguf-metadata.js";
import type { CommandContext } from "../command.js";

const SHOWN_KEYS = ["general.name", "general.architecture", "general.file_type", "llama.context_length", "llama.embedding_length", "llama.block_count"];

export const modelInfoCommand = {
  name: "model info",
  summary: "Print a model's metadata, read by the native llama.cpp build",
  usage: "seal model info [<model.gguf>] [--json]",
  options: { json: { type: "boolean" } },
  async run({ values, positionals, signal }: CommandContext): Promise<number> {
    const modelPath = positionals[0] ?? (await ensureModel({}, { signal })).path;
    const metadata = await readGgufMetadataNative(modelPath, { signal });
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify({ ok: true, path: modelPath, metadata })}\n`);
      return 0;
    }
    process.stdout.write(`${modelPath}\n`);
    for (const key of SHOWN_KEYS) if (metadata[key] !== undefined) process.stdout.write(`  ${key.padEnd(24)} ${metadata[key]}\n`);
    process.stdout.write(`  (${Object.keys(metadata).length} metadata keys; --json prints all)\n`);
    return 0;
  },
} as const;
