// seal-lora-init: writes a fresh LoRA adapter for a base GGUF model, in the layout llama.cpp loads
// (the one convert_lora_to_gguf.py writes): for each targeted weight W with ggml shape
// [n_in, n_out], "<W>.lora_a" F32 [n_in, r] and "<W>.lora_b" F32 [r, n_out].
//
// A is drawn like PEFT's default (uniform in +-1/sqrt(n_in)); B is zero, so a fresh adapter
// changes nothing until trained. `--b-init random` draws B too, which makes an adapter that
// visibly changes the model: useful to demonstrate and test adapter switching before training.
// The trainer starts from the same initialisation.
#include "ggml.h"
#include "gguf.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

static void usage(const char * argv0) {
    fprintf(stderr,
        "usage: %s --base <model.gguf> --out <adapter.gguf> [--rank 16] [--alpha 32]\n"
        "          [--targets attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down]\n"
        "          [--seed 42] [--b-init zero|random] [--b-std 0.02]\n", argv0);
}

static std::set<std::string> split_csv(const std::string & s) {
    std::set<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) if (!item.empty()) out.insert(item);
    return out;
}

int main(int argc, char ** argv) {
    std::string base, out, targets_csv = "attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down", b_init = "zero";
    int rank = 16;
    float alpha = 32.0f, b_std = 0.02f;
    unsigned seed = 42;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) { usage(argv[0]); exit(2); }
            return argv[++i];
        };
        if (arg == "--base") base = next();
        else if (arg == "--out") out = next();
        else if (arg == "--rank") rank = std::atoi(next().c_str());
        else if (arg == "--alpha") alpha = std::atof(next().c_str());
        else if (arg == "--targets") targets_csv = next();
        else if (arg == "--seed") seed = (unsigned) std::strtoul(next().c_str(), nullptr, 10);
        else if (arg == "--b-init") b_init = next();
        else if (arg == "--b-std") b_std = std::atof(next().c_str());
        else { usage(argv[0]); return 2; }
    }
    if (base.empty() || out.empty() || rank <= 0 || (b_init != "zero" && b_init != "random")) { usage(argv[0]); return 2; }
    const std::set<std::string> targets = split_csv(targets_csv);

    // Read only the base model's header: tensor names and shapes, no weights.
    ggml_context * base_meta = nullptr;
    gguf_init_params base_params = { /*no_alloc =*/ true, /*ctx =*/ &base_meta };
    gguf_context * base_gguf = gguf_init_from_file(base.c_str(), base_params);
    if (base_gguf == nullptr) {
        fprintf(stderr, "error: %s is not a readable GGUF file\n", base.c_str());
        return 1;
    }
    const int64_t arch_key = gguf_find_key(base_gguf, "general.architecture");
    const std::string arch = arch_key < 0 ? "" : gguf_get_val_str(base_gguf, arch_key);

    struct pair_shape { std::string name; int64_t n_in, n_out; };
    std::vector<pair_shape> pairs;
    for (int64_t i = 0; i < gguf_get_n_tensors(base_gguf); i++) {
        const std::string name = gguf_get_tensor_name(base_gguf, i);
        // "blk.<n>.<target>.weight"
        if (name.rfind("blk.", 0) != 0 || name.size() < 7 || name.compare(name.size() - 7, 7, ".weight") != 0) continue;
        const size_t dot = name.find('.', 4);
        const std::string target = name.substr(dot + 1, name.size() - 7 - dot - 1);
        if (targets.count(target) == 0) continue;
        const ggml_tensor * t = ggml_get_tensor(base_meta, name.c_str());
        pairs.push_back({ name.substr(0, name.size() - 7) + ".weight", t->ne[0], t->ne[1] });
    }
    if (pairs.empty()) {
        fprintf(stderr, "error: no tensor of %s matches the targets %s\n", base.c_str(), targets_csv.c_str());
        return 1;
    }

    size_t data_bytes = 0;
    for (const auto & p : pairs) data_bytes += (size_t) (p.n_in * rank + rank * p.n_out) * sizeof(float);
    ggml_init_params params = { data_bytes + pairs.size() * 2 * ggml_tensor_overhead() + 1024, nullptr, false };
    ggml_context * ctx = ggml_init(params);

    std::mt19937 rng(seed);
    gguf_context * adapter = gguf_init_empty();
    gguf_set_val_str(adapter, "general.type", "adapter");
    gguf_set_val_str(adapter, "general.architecture", arch.c_str());
    gguf_set_val_str(adapter, "adapter.type", "lora");
    gguf_set_val_f32(adapter, "adapter.lora.alpha", alpha);
    gguf_set_val_u32(adapter, "seal.lora.rank", (uint32_t) rank);
    gguf_set_val_str(adapter, "seal.lora.targets", targets_csv.c_str());
    gguf_set_val_u32(adapter, "seal.lora.seed", seed);
    gguf_set_val_str(adapter, "seal.lora.b_init", b_init.c_str());

    int64_t n_params = 0;
    for (const auto & p : pairs) {
        ggml_tensor * a = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, p.n_in, rank);
        ggml_tensor * b = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, rank, p.n_out);
        ggml_set_name(a, (p.name + ".lora_a").c_str());
        ggml_set_name(b, (p.name + ".lora_b").c_str());
        std::uniform_real_distribution<float> a_dist(-1.0f / std::sqrt((float) p.n_in), 1.0f / std::sqrt((float) p.n_in));
        std::normal_distribution<float> b_dist(0.0f, b_std);
        float * a_data = (float *) a->data;
        float * b_data = (float *) b->data;
        for (int64_t k = 0; k < ggml_nelements(a); k++) a_data[k] = a_dist(rng);
        for (int64_t k = 0; k < ggml_nelements(b); k++) b_data[k] = b_init == "random" ? b_dist(rng) : 0.0f;
        gguf_add_tensor(adapter, a);
        gguf_add_tensor(adapter, b);
        n_params += ggml_nelements(a) + ggml_nelements(b);
    }

    // Write to a temporary name and rename, so a crash never leaves a half-written adapter.
    const std::string tmp = out + ".tmp";
    if (!gguf_write_to_file(adapter, tmp.c_str(), false) || std::rename(tmp.c_str(), out.c_str()) != 0) {
        std::remove(tmp.c_str());
        fprintf(stderr, "error: could not write %s\n", out.c_str());
        return 1;
    }
    printf("{\"path\":\"%s\",\"tensors\":%zu,\"parameters\":%lld,\"rank\":%d,\"alpha\":%g}\n",
           out.c_str(), pairs.size() * 2, (long long) n_params, rank, alpha);

    gguf_free(adapter);
    ggml_free(ctx);
    gguf_free(base_gguf);
    ggml_free(base_meta);
    return 0;
}
