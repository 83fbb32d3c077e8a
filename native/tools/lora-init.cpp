// seal-lora-init: writes a fresh LoRA adapter for a base GGUF model (see src/lora-file.h).
// B is zero, so a fresh adapter changes nothing until trained; `--b-init random` draws B too,
// which makes an adapter that visibly changes the model: useful to demonstrate and test adapter
// switching. The trainer starts from the same initialisation.
#include "../src/lora-file.h"

#include <cstdio>
#include <cstdlib>
#include <string>

static void usage(const char * argv0) {
    fprintf(stderr,
        "usage: %s --base <model.gguf> --out <adapter.gguf> [--rank 16] [--alpha 32]\n"
        "          [--targets attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down]\n"
        "          [--seed 42] [--b-init zero|random] [--b-std 0.02]\n", argv0);
}

int main(int argc, char ** argv) {
    std::string base, out, targets_csv = "attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down", b_init = "zero";
    int rank = 16;
    float alpha = 32.0f, b_std = 0.02f;
    unsigned seed = 42;
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
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

    seal::base_model_shapes shapes;
    std::string error;
    if (!seal::read_base_shapes(base, seal::split_csv(targets_csv), shapes, error)) {
        fprintf(stderr, "error: %s\n", error.c_str());
        return 1;
    }
    ggml_context * ctx = nullptr;
    const auto tensors = seal::make_fresh_lora(shapes, rank, seed, b_init == "random", b_std, &ctx);
    const std::vector<std::pair<std::string, std::string>> metadata = {
        { "seal.lora.rank", std::to_string(rank) },
        { "seal.lora.targets", targets_csv },
        { "seal.lora.seed", std::to_string(seed) },
        { "seal.lora.b_init", b_init },
    };
    if (!seal::write_lora_adapter(out, shapes.architecture, alpha, tensors, metadata, error)) {
        fprintf(stderr, "error: %s\n", error.c_str());
        ggml_free(ctx);
        return 1;
    }
    long long n_params = 0;
    for (const ggml_tensor * t : tensors) n_params += ggml_nelements(t);
    printf("{\"path\":\"%s\",\"tensors\":%zu,\"parameters\":%lld,\"rank\":%d,\"alpha\":%g}\n",
           out.c_str(), tensors.size(), n_params, rank, alpha);
    ggml_free(ctx);
    return 0;
}
