import { SealError } from "../../errors.js";
import { buildNative } from "../../train/native-build.js";
import { createProgress } from "../progress.js";
import type { CommandContext } from "../command.js";

export const nativeBuildCommand = {
  name: "native build",
  summary: "Build the native tools against node-llama-cpp's bundled llama.cpp (cached)",
  usage: "seal native build [--backend cpu|cuda] [--server] [--clean] [--verbose] [--json]",
  options: { backend: { type: "string" }, server: { type: "boolean" }, clean: { type: "boolean" }, verbose: { type: "boolean" }, json: { type: "boolean" } },
  async run({ values, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    const backend = values.backend;
    if (backend !== undefined && backend !== "cpu" && backend !== "cuda") {
      throw new SealError("INVALID_OPTIONS", `--backend must be cpu or cuda, got "${String(backend)}"`, {
        hint: "Use --backend cpu (the default) or --backend cuda (needs the CUDA toolkit; untested here).",
      });
    }
    const progress = createProgress({ json });
    const result = await buildNative({
      ...(backend ? { backend } : {}),
      clean: values.clean === true,
      // --server: also llama.cpp's llama-server (an OpenAI-compatible endpoint for teacher tests).
      server: values.server === true,
      signal,
      onLine: values.verbose === true ? (line) => progress.line(line) : undefined,
      onProgress: (fraction, message) => progress.update(`native: ${message}`, fraction),
    });
    progress.done();
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
    else process.stdout.write(`native tools${values.server === true ? " and llama-server" : ""} built in ${result.buildDir} (${result.backend}, ${result.seconds.toFixed(1)} s)\n`);
    return 0;
  },
} as const;
