// Reading base-model shapes and writing GGUF LoRA adapters, shared by seal-lora-init and seal-train.
// Layout (the one convert_lora_to_gguf.py writes and llama.cpp loads): for each targeted weight W
// with ggml shape [n_in, n_out], "<W>.lora_a" F32 [n_in, r] and "<W>.lora_b" F32 [r, n_out].
#pragma once

#include "ggml.h"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace seal {

struct lora_target_shape {
    std::string weight_name; // "blk.3.attn_q.weight"
    int64_t n_in;
    int64_t n_out;
};

struct base_model_shapes {
    std::string architecture;
    std::vector<lora_target_shape> targets;
};

// Reads tensor names and shapes (no weights) of the base model's weights among `targets`
// (attn_q, attn_k, ...). Returns false and sets `error` if the file is not a readable GGUF.
bool read_base_shapes(const std::string & base_path, const std::set<std::string> & targets,
                      base_model_shapes & out, std::string & error);

// A fresh adapter in host memory: A uniform in +-1/sqrt(n_in) (PEFT's default), B zero or, for
// demos, normal(0, b_std). Tensors live in `*ctx_out`, which the caller frees.
std::vector<ggml_tensor *> make_fresh_lora(const base_model_shapes & shapes, int rank, unsigned seed,
                                           bool random_b, float b_std, ggml_context ** ctx_out);

// Writes the adapter to `path` through a temporary file and a rename, so that a crash never
// leaves a partial adapter. Tensors may live in any backend buffer. `metadata` holds extra string
// key/values (training provenance). Returns false and sets `error` on failure.
bool write_lora_adapter(const std::string & path, const std::string & architecture, float alpha,
                        const std::vector<ggml_tensor *> & tensors,
                        const std::vector<std::pair<std::string, std::string>> & metadata, std::string & error);

std::set<std::string> split_csv(const std::string & text);

} // namespace seal
