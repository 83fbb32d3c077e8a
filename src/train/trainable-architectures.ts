import { SealError } from "../errors.js";

/**
 * Architectures whose llama.cpp graph has a gated activation other than split SwiGLU in its
 * feed-forward: GELU-gated (GEGLU) in the Gemma family, Grok and Spark 2.5
 * (`build_ffn(..., LLM_FFN_GELU, LLM_FFN_PAR, ...)` in llama.cpp's src/models/). ggml has no
 * backward pass for those ops: training aborts inside ggml (`unsupported glu op for backward
 * pass: GEGLU`, exit 128, measured with Gemma 3 270M), after the model has loaded. They are
 * refused from the GGUF header instead, before anything heavy loads.
 */
const NO_BACKWARD_PASS: ReadonlyMap<string, string> = new Map(
  ["gemma", "gemma2", "gemma3", "gemma3n", "gemma4", "gemma-embedding", "grok", "spark2-5"].map((architecture) => [architecture, "its feed-forward uses a GELU-gated activation (GEGLU), which ggml cannot differentiate"]),
);

/** Throws MODEL_UNSUPPORTED for a base model the native trainer cannot train. */
export function assertTrainableArchitecture(architecture: string, modelPath: string): void {
  const why = NO_BACKWARD_PASS.get(architecture);
  if (!why) return;
  throw new SealError("MODEL_UNSUPPORTED", `The trainer cannot train ${architecture} models yet: ${why}`, {
    hint: "Train a llama or qwen2 model (the default model is llama); serving and retrieval work with this one.",
    context: { architecture, modelPath },
  });
}
