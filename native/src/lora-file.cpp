#include "lora-file.h"

#include "ggml-backend.h"
#include "gguf.h"

#include <cmath>
#include <cstring>
#include <cstdio>
#include <random>
#include <sstream>
#include <cstdlib>
#ifndef _WIN32
#include <csignal>
#include <unistd.h>
#endif

namespace seal {

std::set<std::string> split_csv(const std::string & text) {
    std::set<std::string> out;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        if (!item.empty()) out.insert(item);
    }
    return out;
}

bool read_base_shapes(const std::string & base_path, const std::set<std::string> & targets,
                      base_model_shapes & out, std::string & error) {
    ggml_context * meta = nullptr;
    gguf_init_params params = { /*no_alloc =*/ true, /*ctx =*/ &meta };
    gguf_context * gguf = gguf_init_from_file(base_path.c_str(), params);
    if (gguf == nullptr) {
        error = base_path + " is not a readable GGUF file";
        return false;
    }
    const int64_t arch_key = gguf_find_key(gguf, "general.architecture");
    out.architecture = arch_key < 0 ? "" : gguf_get_val_str(gguf, arch_key);
    out.targets.clear();
    for (int64_t i = 0; i < gguf_get_n_tensors(gguf); i++) {
        const std::string name = gguf_get_tensor_name(gguf, i);
        const std::string suffix = ".weight";
        if (name.rfind("blk.", 0) != 0 || name.size() <= suffix.size() ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
            continue;
        }
        const size_t dot = name.find('.', 4); // "blk.<n>.<target>.weight"
        if (dot == std::string::npos) continue;
        const std::string target = name.substr(dot + 1, name.size() - suffix.size() - dot - 1);
        if (targets.count(target) == 0) continue;
        const ggml_tensor * tensor = ggml_get_tensor(meta, name.c_str());
        out.targets.push_back({ name, tensor->ne[0], tensor->ne[1] });
    }
    gguf_free(gguf);
    ggml_free(meta);
    if (out.targets.empty()) {
        error = "no weight of " + base_path + " matches the LoRA targets";
        return false;
    }
    return true;
}

std::vector<ggml_tensor *> make_fresh_lora(const base_model_shapes & shapes, int rank, unsigned seed,
                                           bool random_b, float b_std, ggml_context ** ctx_out) {
    size_t bytes = 0;
    for (const auto & t : shapes.targets) bytes += (size_t) (t.n_in * rank + rank * t.n_out) * sizeof(float);
    ggml_init_params params = { bytes + shapes.targets.size() * 2 * ggml_tensor_overhead() + 1024, nullptr, false };
    ggml_context * ctx = ggml_init(params);
    *ctx_out = ctx;

    // One generator, consumed in tensor order: the same seed gives the same adapter everywhere.
    std::mt19937 rng(seed);
    std::vector<ggml_tensor *> tensors;
    for (const auto & t : shapes.targets) {
        ggml_tensor * a = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, t.n_in, rank);
        ggml_tensor * b = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, rank, t.n_out);
        ggml_set_name(a, (t.weight_name + ".lora_a").c_str());
        ggml_set_name(b, (t.weight_name + ".lora_b").c_str());
        const float bound = 1.0f / std::sqrt((float) t.n_in);
        std::uniform_real_distribution<float> a_dist(-bound, bound);
        std::normal_distribution<float> b_dist(0.0f, b_std);
        float * a_data = (float *) a->data;
        float * b_data = (float *) b->data;
        for (int64_t k = 0; k < ggml_nelements(a); k++) a_data[k] = a_dist(rng);
        for (int64_t k = 0; k < ggml_nelements(b); k++) b_data[k] = random_b ? b_dist(rng) : 0.0f;
        tensors.push_back(a);
        tensors.push_back(b);
    }
    return tensors;
}

// The crash-point suite's power cut between the adapter's write and its rename
// (SEAL_CRASH_AT=adapter:written): this process and the one that started it are killed at once,
// leaving the temporary file behind, as a power cut would. Unset, it is one getenv.
static void crash_point(const char * name) {
#ifndef _WIN32
    const char * at = std::getenv("SEAL_CRASH_AT");
    if (at != nullptr && std::strcmp(at, name) == 0) {
        kill(getppid(), SIGKILL);
        raise(SIGKILL);
    }
#else
    (void) name;
#endif
}

bool write_lora_adapter(const std::string & path, const std::string & architecture, float alpha,
                        const std::vector<ggml_tensor *> & tensors,
                        const std::vector<std::pair<std::string, std::string>> & metadata, std::string & error) {
    // Copy into host memory: the tensors may sit in a backend buffer (a trained adapter).
    size_t bytes = 0;
    for (const ggml_tensor * t : tensors) bytes += ggml_nbytes(t);
    ggml_init_params params = { bytes + tensors.size() * ggml_tensor_overhead() + 1024, nullptr, false };
    ggml_context * host = ggml_init(params);

    gguf_context * gguf = gguf_init_empty();
    gguf_set_val_str(gguf, "general.type", "adapter");
    gguf_set_val_str(gguf, "general.architecture", architecture.c_str());
    gguf_set_val_str(gguf, "adapter.type", "lora");
    gguf_set_val_f32(gguf, "adapter.lora.alpha", alpha);
    for (const auto & [key, value] : metadata) gguf_set_val_str(gguf, key.c_str(), value.c_str());

    for (const ggml_tensor * t : tensors) {
        ggml_tensor * copy = ggml_dup_tensor(host, t);
        ggml_set_name(copy, t->name);
        if (t->buffer != nullptr) {
            ggml_backend_tensor_get(t, copy->data, 0, ggml_nbytes(t));
        } else {
            memcpy(copy->data, t->data, ggml_nbytes(t));
        }
        gguf_add_tensor(gguf, copy);
    }

    const std::string tmp = path + ".tmp";
    bool ok = gguf_write_to_file(gguf, tmp.c_str(), false);
    if (ok) crash_point("adapter:written");
    if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) ok = false;
    if (!ok) {
        std::remove(tmp.c_str());
        error = "could not write " + path;
    }
    gguf_free(gguf);
    ggml_free(host);
    return ok;
}

} // namespace seal
