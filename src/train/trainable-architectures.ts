import { SealError } from "../errors.js";

/**
 * Architectures whose llama.cpp graph has a GELU-gated feed-forward (GEGLU): the Gemma family, Grok
 * and Spark 2.5 (`build_ffn(..., LLM_FFN_GELU, LLM_FFN_PAR, ...)` in llama.cpp's src/models/).
 * Before patch 0010 ggml had no backward pass for GEGLU and training aborted inside ggml
 * (`unsupported glu op for backward pass: GEGLU`, exit 128) after the model had loaded. Gemma 3
 * trains since that patch (tests/model/trainer-models.test.ts); the others have graphs of their
 * own (soft-capping, per-layer inputs, MoE routing) that no test has trained, and an op without a
 * backward pass aborts the process, so they are refused from the GGUF header until one does.
 */
const NOT_TRAINED_YET: ReadonlyMap<string, string> = new Map(
  ["gemma", "gemma2", "gemma3n", "gemma4", "gemma-embedding", "grok", "spark2-5"].map((architecture) => [
    architecture,
    "its graph (a GELU-gated feed-forward and ops of its own) has not been trained and checked with seal-train; an op without a backward pass would abort inside ggml",
  ]),
);

/** Throws MODEL_UNSUPPORTED for a base model the native trainer cannot train. */
export function assertTrainableArchitecture(architecture: string, modelPath: string): void {
  const why = NOT_TRAINED_YET.get(architecture);
  if (!why) return;
  throw new SealError("MODEL_UNSUPPORTED", `The trainer cannot train ${architecture} models yet: ${why}`, {
    hint: "Train a llama, qwen2 or gemma3 model (the default model is llama); serving and retrieval work with this one.",
    context: { architecture, modelPath },
  });
}
