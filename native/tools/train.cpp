// seal-train: trains a LoRA adapter on a frozen GGUF base model with llama.cpp's ggml-opt (AdamW).
//
// In the style of llama.cpp's examples/training/finetune.cpp: one straight-line main. Settings
// that training cannot work with are forced, and the log says why. Only the adapter's A and B
// tensors are trainable; the base (quantized or not) is frozen.
//
// Input: JSON Lines, each {"text": ...} (loss on every next token) or {"prompt": ..., "completion":
// ...} (loss on completion tokens only). Each example is its own sequence: examples are never
// concatenated into one stream or cut at random places. Nothing is appended (no EOS): put the
// chat template's end token in the completion if the model should learn to stop.
//
// Packing (--pack-tokens N): several examples share one forward/backward pass of at most N tokens,
// each attending only to itself with its own positions (patch 0008), and the step's loss is the
// mean of their losses: the same training as those examples one at a time with gradient
// accumulation over them, up to floating-point summation order. It spreads the per-pass cost
// (~4,500 graph nodes, each with a thread barrier) over many short examples and makes the matrix
// products large enough for the GEMM kernels (bench/trainer has the figures against one example per
// pass). Where the examples of a pass have similar lengths, each attends only over its own tokens
// (patch 0012, block by block); otherwise attention covers the whole pass, masked, and costs the
// square of its length: passes of ~256 tokens train fastest.
//
// Output: one JSON object per line on stdout ({"type":"start"|"step"|"warning"|"done"|"error"});
// human-readable logs on stderr. The adapter is written to a temporary name and renamed at the
// end; on any error, SIGTERM or SIGINT nothing is left behind.
//
// Exit codes: 0 done, 1 error (see the "code" of the error line), 2 usage, 130 interrupted.
#include "../src/lora-file.h"

#include "llama.h"
#include "llama-adapter.h" // internal: the adapter's A/B tensors, to mark them trainable
#include "llama-cparams.h" // internal: LLAMA_MAX_SEQ, the most sequences one pass can pack
#include "ggml-opt.h"
#include "ggml-cpu.h"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

using json = nlohmann::ordered_json;

static rusage process_usage() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage;
}

// User plus system CPU time of the process. Over the training loop, next to its wall time, it shows
// how many threads really worked (patch 0011: before it, always 4, whatever --threads said).
static double cpu_seconds(const rusage & usage) {
    return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static std::atomic<bool> g_interrupted{false};
static void on_signal(int) { g_interrupted = true; }

// Invalid UTF-8 in a message (a parse error quotes the bytes it read) is replaced, not thrown:
// dump() would throw type_error 316 from inside fail() and the trainer would die in terminate().
static void emit(const json & line) {
    printf("%s\n", line.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    fflush(stdout);
}

[[noreturn]] static void fail(const std::string & code, const std::string & message, int exit_code = 1) {
    emit({ { "type", "error" }, { "code", code }, { "message", message } });
    fprintf(stderr, "error %s: %s\n", code.c_str(), message.c_str());
    exit(exit_code);
}

static void log_quiet(ggml_log_level level, const char * text, void *) {
    if (level >= GGML_LOG_LEVEL_WARN) fputs(text, stderr);
}

struct options {
    std::string base, data, out, init_from, targets = "attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down";
    std::string schedule = "constant", on_overlong = "truncate", weight_copy = "auto", optimizer = "adamw";
    std::string packed_attention = "auto"; // auto: block by block where cheaper (patch 0012); masked: the whole pass
    std::string short_k = "on";            // LoRA's rank-sized F32 products on patch 0013's kernel (off: tinyBLAS, for comparisons)
    std::string bf16_kernel = "panels";    // weight copies' products on patch 0014's kernel (tinyblas: tinyBLAS's sums, for comparisons)
    int rank = 16, epochs = 1, batch = 1, seq_len = 256, warmup = 0, threads = 0;
    int pack_tokens = 0;          // 0: one example per pass
    bool example_losses = false;  // each example's loss in the step lines (a check; costs a pass over the logits)
    float alpha = 32.0f, lr = 1e-4f, lr_min = 0.0f, wd = 0.0f;
    unsigned seed = 42;
    std::vector<std::pair<std::string, std::string>> metadata;
};

static void usage(const char * argv0) {
    fprintf(stderr,
        "usage: %s --base <model.gguf> --data <data.jsonl> --out <adapter.gguf>\n"
        "  [--init-from <adapter.gguf>] [--rank 16] [--alpha 32] [--targets attn_q,...,ffn_down]\n"
        "  [--lr 1e-4] [--lr-min 0] [--wd 0] [--warmup 0] [--schedule constant|cosine]\n"
        "  [--epochs 1] [--batch 1] [--seq-len 256] [--on-overlong truncate|error]\n"
        "  [--pack-tokens 0] [--packed-attention auto|masked] [--short-k-kernel on|off] [--bf16-kernel panels|tinyblas] [--optimizer adamw|sgd] [--example-losses]\n"
        "  [--seed 42] [--threads N] [--weight-copy auto|on|off|backward] [--meta key=value]...\n", argv0);
}

static options parse_args(int argc, char ** argv) {
    options o;
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) { usage(argv[0]); exit(2); }
            return argv[++i];
        };
        if (arg == "--base") o.base = next();
        else if (arg == "--data") o.data = next();
        else if (arg == "--out") o.out = next();
        else if (arg == "--init-from") o.init_from = next();
        else if (arg == "--rank") o.rank = std::atoi(next().c_str());
        else if (arg == "--alpha") o.alpha = std::atof(next().c_str());
        else if (arg == "--targets") o.targets = next();
        else if (arg == "--lr") o.lr = std::atof(next().c_str());
        else if (arg == "--lr-min") o.lr_min = std::atof(next().c_str());
        else if (arg == "--wd") o.wd = std::atof(next().c_str());
        else if (arg == "--warmup") o.warmup = std::atoi(next().c_str());
        else if (arg == "--schedule") o.schedule = next();
        else if (arg == "--epochs") o.epochs = std::atoi(next().c_str());
        else if (arg == "--batch") o.batch = std::atoi(next().c_str());
        else if (arg == "--seq-len") o.seq_len = std::atoi(next().c_str());
        else if (arg == "--on-overlong") o.on_overlong = next();
        else if (arg == "--seed") o.seed = (unsigned) std::strtoul(next().c_str(), nullptr, 10);
        else if (arg == "--threads") o.threads = std::atoi(next().c_str());
        else if (arg == "--weight-copy") o.weight_copy = next();
        else if (arg == "--packed-attention") o.packed_attention = next();
        else if (arg == "--short-k-kernel") o.short_k = next();
        else if (arg == "--bf16-kernel") o.bf16_kernel = next();
        else if (arg == "--pack-tokens") o.pack_tokens = std::atoi(next().c_str());
        else if (arg == "--optimizer") o.optimizer = next();
        else if (arg == "--example-losses") o.example_losses = true;
        else if (arg == "--meta") {
            const std::string kv = next();
            const size_t eq = kv.find('=');
            if (eq == std::string::npos) { usage(argv[0]); exit(2); }
            o.metadata.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        } else { usage(argv[0]); exit(2); }
    }
    if (o.base.empty() || o.data.empty() || o.out.empty() || o.rank <= 0 || o.epochs <= 0 || o.batch <= 0 ||
        o.seq_len < 2 || !(o.lr > 0) || o.pack_tokens < 0 ||
        (o.optimizer != "adamw" && o.optimizer != "sgd") || (o.schedule != "constant" && o.schedule != "cosine") ||
        (o.on_overlong != "truncate" && o.on_overlong != "error") ||
        (o.weight_copy != "auto" && o.weight_copy != "on" && o.weight_copy != "off" && o.weight_copy != "backward") ||
        (o.packed_attention != "auto" && o.packed_attention != "masked") || (o.short_k != "on" && o.short_k != "off") ||
        (o.bf16_kernel != "panels" && o.bf16_kernel != "tinyblas")) {
        usage(argv[0]);
        exit(2);
    }
    return o;
}

struct example {
    std::vector<llama_token> tokens;
    std::vector<llama_token> labels; // labels[i]: token position i must predict, -1 = no loss
    int64_t n_labelled = 0;
};

static std::vector<llama_token> tokenize(const llama_vocab * vocab, const std::string & text, bool add_special) {
    int32_t n = -llama_tokenize(vocab, text.c_str(), (int32_t) text.size(), nullptr, 0, add_special, true);
    std::vector<llama_token> tokens(std::max(n, 0));
    if (n > 0) llama_tokenize(vocab, text.c_str(), (int32_t) text.size(), tokens.data(), n, add_special, true);
    return tokens;
}

static std::vector<example> read_dataset(const options & o, const llama_vocab * vocab) {
    std::ifstream file(o.data);
    if (!file) fail("DATA_UNREADABLE", "cannot open " + o.data);
    std::vector<example> examples;
    std::string line;
    int line_no = 0;
    while (std::getline(file, line)) {
        line_no++;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        json row;
        try {
            row = json::parse(line); // also rejects invalid UTF-8 inside strings
        } catch (const std::exception & e) {
            fail("DATA_INVALID", "line " + std::to_string(line_no) + ": not JSON (" + e.what() + ")");
        }
        example ex;
        size_t n_prompt = 0;
        // Any other JSON exception on a line (a value of an unexpected type) is that line's fault.
        try {
            if (row.is_object() && row.contains("text") && row["text"].is_string()) {
                ex.tokens = tokenize(vocab, row["text"].get<std::string>(), true);
            } else if (row.is_object() && row.contains("prompt") && row.contains("completion") && row["prompt"].is_string() && row["completion"].is_string()) {
                ex.tokens = tokenize(vocab, row["prompt"].get<std::string>(), true);
                n_prompt = ex.tokens.size();
                const auto completion = tokenize(vocab, row["completion"].get<std::string>(), false);
                ex.tokens.insert(ex.tokens.end(), completion.begin(), completion.end());
            } else {
                fail("DATA_INVALID", "line " + std::to_string(line_no) + ": expected {\"text\"} or {\"prompt\", \"completion\"} strings");
            }
        } catch (const json::exception & e) {
            fail("DATA_INVALID", "line " + std::to_string(line_no) + ": " + e.what());
        }
        if ((int) ex.tokens.size() > o.seq_len) {
            if (o.on_overlong == "error" || (int) n_prompt >= o.seq_len) {
                fail("SEQUENCE_TOO_LONG", "line " + std::to_string(line_no) + ": " + std::to_string(ex.tokens.size()) +
                     " tokens exceed --seq-len " + std::to_string(o.seq_len) + (n_prompt >= (size_t) o.seq_len ? " (the prompt alone does)" : ""));
            }
            emit({ { "type", "warning" }, { "code", "SEQUENCE_TRUNCATED" }, { "line", line_no },
                   { "tokens", ex.tokens.size() }, { "kept", o.seq_len } });
            ex.tokens.resize(o.seq_len);
        }
        ex.labels.assign(ex.tokens.size(), -1);
        for (size_t i = 0; i + 1 < ex.tokens.size(); i++) {
            if (i + 1 >= n_prompt) ex.labels[i] = ex.tokens[i + 1];
        }
        ex.n_labelled = std::count_if(ex.labels.begin(), ex.labels.end(), [](llama_token t) { return t >= 0; });
        if (ex.n_labelled == 0) fail("DATA_INVALID", "line " + std::to_string(line_no) + ": nothing to learn (needs at least one predicted token)");
        examples.push_back(std::move(ex));
    }
    if (examples.empty()) fail("DATA_EMPTY", o.data + " has no examples");
    return examples;
}

struct lr_schedule {
    const options * o;
    int64_t step = 0; // optimizer steps taken so far
    int64_t total_steps = 1;
    float current = 0.0f;
};

static ggml_opt_optimizer_params lr_at_step(void * userdata) {
    auto * s = (lr_schedule *) userdata;
    const options & o = *s->o;
    float lr = o.lr;
    if (s->step < o.warmup) {
        lr = o.lr * (float) (s->step + 1) / (float) o.warmup;
    } else if (o.schedule == "cosine") {
        const int64_t span = std::max<int64_t>(1, s->total_steps - o.warmup);
        const double progress = std::min(1.0, (double) (s->step - o.warmup) / (double) span);
        lr = o.lr_min + 0.5f * (o.lr - o.lr_min) * (float) (1.0 + std::cos(M_PI * progress));
    }
    s->current = lr;
    ggml_opt_optimizer_params p = ggml_opt_get_default_optimizer_params(nullptr);
    p.adamw.alpha = lr;
    p.adamw.wd = o.wd;
    p.sgd.alpha = lr;
    p.sgd.wd = o.wd;
    return p;
}

// One forward/backward pass: the examples it packs (one, without --pack-tokens), in order.
struct pass {
    int epoch = 0;
    std::vector<size_t> examples;
};

// Each epoch shuffles the examples (Fisher-Yates with the raw generator, so the order is the same
// on every platform), then fills passes in that order: an example that would overflow
// --pack-tokens (or the context's sequence limit) starts the next pass. Without packing, every
// example is its own pass, as before packing existed.
static std::vector<pass> plan_passes(const std::vector<example> & examples, const options & o) {
    std::mt19937 rng(o.seed);
    std::vector<size_t> order(examples.size());
    std::vector<pass> passes;
    for (int epoch = 0; epoch < o.epochs; epoch++) {
        for (size_t i = 0; i < order.size(); i++) order[i] = i;
        for (size_t i = order.size(); i > 1; i--) std::swap(order[i - 1], order[rng() % i]);
        int64_t pass_tokens = 0;
        for (size_t index : order) {
            const int64_t n = (int64_t) examples[index].tokens.size();
            const bool fits = o.pack_tokens > 0 && !passes.empty() && passes.back().epoch == epoch &&
                              pass_tokens + n <= o.pack_tokens && passes.back().examples.size() < (size_t) LLAMA_MAX_SEQ;
            if (!fits) {
                passes.push_back({ epoch, {} });
                pass_tokens = 0;
            }
            passes.back().examples.push_back(index);
            pass_tokens += n;
        }
    }
    return passes;
}

// Packed passes are padded to a multiple of this many tokens (see the training loop). Measured on a
// SEAL unit (15 examples of 14-180 tokens, 5 epochs, Q4_1, weight copy on, 2-core EPYC): packed to
// 256, 32 took 9.35 s, 16 9.6 s and none 10.6 s. One example per pass is not padded: 16 took
// 19.7 s and none 19.8 s, and unpadded its numerics stay those every consolidation figure was
// measured with.
static size_t pass_align(const options & o) { return o.pack_tokens > 0 ? 32 : 1; }

static bool not_trainable(const ggml_tensor *, void *) { return false; } // the base stays frozen

static int train(const options & o);

int main(int argc, char ** argv) {
    const options o = parse_args(argc, argv);
    // Nothing may end in std::terminate ("terminate called ..."): every exception is an error line.
    try {
        return train(o);
    } catch (const std::exception & e) {
        fail("TRAIN_FAILED", std::string("unexpected error: ") + e.what());
    }
}

static int train(const options & o) {
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    llama_log_set(log_quiet, nullptr);
    llama_backend_init();

    // Weight repacking rearranges quantized weights for inference kernels that have no backward
    // pass (OUT_PROD); training needs the plain layout.
    llama_model_params mparams = llama_model_default_params();
    mparams.use_extra_bufts = false;
    fprintf(stderr, "seal-train: loading %s (weight repacking off: no backward pass for repacked weights)\n", o.base.c_str());
    llama_model * model = llama_model_load_from_file(o.base.c_str(), mparams);
    if (model == nullptr) fail("MODEL_INVALID", o.base + " could not be loaded as a GGUF model");
    const llama_vocab * vocab = llama_model_get_vocab(model);

    // --weight-copy: the backward pass through a BF16 or quantized base runs as a BF16 GEMM against
    // a transposed copy of its matrices (patch 0006), and the forward pass through a quantized one
    // against a BF16 copy in its own layout (patch 0009): faster, for one or two BF16 copies of the
    // base in memory. "auto" turns it on for a BF16 base (seal-dequantize --type bf16), whose point is
    // speed, and leaves a quantized base, whose point is memory, as small as it is.
    char file_type[16] = "";
    llama_model_meta_val_str(model, "general.file_type", file_type, sizeof file_type);
    // "backward": the backward copy alone, the forward pass exactly as without copies (the
    // consolidation's choice: its gate figures were measured with that forward pass).
    const bool weight_copy = o.weight_copy == "on" || o.weight_copy == "backward" || (o.weight_copy == "auto" && std::string(file_type) == "32"); // LLAMA_FTYPE_MOSTLY_BF16
    ggml_cpu_set_out_prod_weight_copies(weight_copy);
    ggml_cpu_set_mul_mat_weight_copies(o.weight_copy != "backward");
    ggml_cpu_set_short_k_products(o.short_k == "on");
    ggml_cpu_set_packed_bf16_gemm(o.bf16_kernel == "panels");
    fprintf(stderr, "seal-train: matrix products %s\n", !weight_copy ? "through the base's matrices in place"
            : o.weight_copy == "backward" ? "forward through the base's matrices in place, backward through a transposed BF16 copy"
            : "through BF16 copies of the base's matrices (forward: as stored, backward: transposed)");

    std::vector<example> examples = read_dataset(o, vocab);

    // Context: one pass per ubatch (training attends within the ubatch), an F32 KV cache and no
    // flash attention (no backward pass for either alternative).
    const int pass_tokens = std::max(o.seq_len, o.pack_tokens);
    const uint32_t n_ctx = (uint32_t) ((pass_tokens + 255) / 256 * 256);
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = n_ctx;
    cparams.n_batch = n_ctx;
    cparams.n_ubatch = n_ctx;
    // Packed examples are sequences of one unified KV stream, so that their cells lie in batch
    // order (patch 0003 attends to the current K/V with the mask's first columns).
    cparams.n_seq_max = o.pack_tokens > 0 ? LLAMA_MAX_SEQ : 1;
    cparams.kv_unified = o.pack_tokens > 0;
    cparams.type_k = GGML_TYPE_F32;
    cparams.type_v = GGML_TYPE_F32;
    cparams.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cparams.no_perf = true;
    // Never more threads than CPUs: spinning threads that outnumber the cores slow training down
    // many times over (llama.cpp's own default can exceed a container's CPU quota).
    const int threads = o.threads > 0 ? o.threads : (int) std::max(1u, std::thread::hardware_concurrency());
    cparams.n_threads = threads;
    cparams.n_threads_batch = threads;
    fprintf(stderr, "seal-train: context %u tokens, F32 KV cache and flash attention off (required for the backward pass)\n", n_ctx);
    llama_context * ctx = llama_init_from_model(model, cparams);
    if (ctx == nullptr) fail("CONTEXT_FAILED", "could not create a training context");

    // The adapter: continue from a file, or start fresh (A random, B zero) through a temporary file.
    std::string adapter_path = o.init_from;
    std::string fresh_tmp;
    float alpha = o.alpha;
    seal::base_model_shapes shapes;
    std::string error;
    if (!seal::read_base_shapes(o.base, seal::split_csv(o.targets), shapes, error)) fail("MODEL_INVALID", error);
    if (adapter_path.empty()) {
        ggml_context * fresh_ctx = nullptr;
        const auto fresh = seal::make_fresh_lora(shapes, o.rank, o.seed, false, 0.0f, &fresh_ctx);
        fresh_tmp = o.out + ".init.tmp";
        if (!seal::write_lora_adapter(fresh_tmp, shapes.architecture, o.alpha, fresh, {}, error)) {
            ggml_free(fresh_ctx);
            fail("OUTPUT_UNWRITABLE", error);
        }
        ggml_free(fresh_ctx);
        adapter_path = fresh_tmp;
    }
    llama_adapter_lora * adapter = llama_adapter_lora_init(model, adapter_path.c_str());
    if (!fresh_tmp.empty()) std::remove(fresh_tmp.c_str());
    if (adapter == nullptr) fail("ADAPTER_MISMATCH", o.init_from + " is not a LoRA adapter for this base model (architecture or tensor shapes differ)");
    if (!o.init_from.empty()) alpha = adapter->alpha;
    float scale = 1.0f;
    if (llama_set_adapters_lora(ctx, &adapter, 1, &scale) != 0) fail("ADAPTER_MISMATCH", "could not attach the adapter");

    std::vector<ggml_tensor *> trainable;
    for (auto & [name, weight] : adapter->ab_map) {
        if (weight.a->type != GGML_TYPE_F32 || weight.b->type != GGML_TYPE_F32) fail("ADAPTER_MISMATCH", "adapter tensors must be F32 to train");
        ggml_set_param(weight.a);
        ggml_set_param(weight.b);
        trainable.push_back(weight.a);
        trainable.push_back(weight.b);
    }
    // A stable order for the output file, whatever the hash map's order.
    std::sort(trainable.begin(), trainable.end(), [](const ggml_tensor * a, const ggml_tensor * b) { return strcmp(a->name, b->name) < 0; });
    int64_t n_trainable = 0;
    for (const ggml_tensor * t : trainable) n_trainable += ggml_nelements(t);

    // Every epoch's order and passes are fixed before the first step, so the step count (and the
    // cosine schedule) is exact.
    const std::vector<pass> passes = plan_passes(examples, o);
    lr_schedule schedule;
    schedule.o = &o;
    schedule.total_steps = ((int64_t) passes.size() + o.batch - 1) / o.batch;
    llama_opt_params lopt{};
    lopt.n_ctx_train = 0;
    lopt.param_filter = not_trainable;
    lopt.param_filter_ud = nullptr;
    lopt.get_opt_pars = lr_at_step;
    lopt.get_opt_pars_ud = &schedule;
    lopt.optimizer_type = o.optimizer == "sgd" ? GGML_OPT_OPTIMIZER_TYPE_SGD : GGML_OPT_OPTIMIZER_TYPE_ADAMW;
    lopt.opt_period = o.batch;
    llama_opt_init(ctx, model, lopt);
    llama_opt_set_block_attention(ctx, o.packed_attention == "auto");

    int64_t total_tokens = 0;
    for (const auto & ex : examples) total_tokens += (int64_t) ex.tokens.size();
    emit({ { "type", "start" }, { "examples", examples.size() }, { "tokens", total_tokens }, { "epochs", o.epochs },
           { "steps", schedule.total_steps }, { "passes", passes.size() }, { "pack_tokens", o.pack_tokens },
           { "packed_attention", o.packed_attention },
           { "trainable_parameters", n_trainable }, { "rank", o.rank }, { "alpha", alpha } });

    const auto t_start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds(process_usage());
    int64_t tokens_done = 0;
    double step_loss_sum = 0.0;
    int step_passes = 0, step_examples = 0;
    json step_example_losses = json::array();
    double last_loss = NAN, first_loss = NAN;
    std::vector<llama_token> pass_tokens_buf, pass_labels;
    std::vector<int32_t> pass_lengths;
    std::vector<float> pass_losses;

    for (size_t p = 0; p < passes.size(); p++) {
        if (g_interrupted) fail("INTERRUPTED", "stopped by a signal; no adapter written", 130);
        pass_tokens_buf.clear();
        pass_labels.clear();
        pass_lengths.clear();
        for (size_t index : passes[p].examples) {
            const example & ex = examples[index];
            pass_tokens_buf.insert(pass_tokens_buf.end(), ex.tokens.begin(), ex.tokens.end());
            pass_labels.insert(pass_labels.end(), ex.labels.begin(), ex.labels.end());
            pass_lengths.push_back((int32_t) ex.tokens.size());
        }
        // A packed pass is padded to a multiple of 32 tokens at the end of its last example, with no
        // labels: causal attention keeps them out of every real token's output and their loss
        // weight is 0, so the step is unchanged. What changes is the kernels: attention's products
        // have the pass's length as a dimension, and the BF16/F32 GEMMs and the tiled OUT_PROD
        // (patch 0006) take only whole vectors; a length like 187 sent those products to the
        // scalar loops, 16% of a packed pass's time.
        const size_t real_tokens = pass_tokens_buf.size();
        const size_t align = pass_align(o);
        const size_t padded = (real_tokens + align - 1) / align * align;
        pass_tokens_buf.resize(padded, pass_tokens_buf.back());
        pass_labels.resize(padded, -1);
        pass_lengths.back() += (int32_t) (padded - real_tokens);
        pass_losses.assign(pass_lengths.size(), NAN);
        ggml_opt_result_t result = ggml_opt_result_init();
        const int32_t n = llama_opt_sequences(ctx, pass_tokens_buf.data(), pass_labels.data(), pass_lengths.data(), (int32_t) pass_lengths.size(),
                                              true, result, o.example_losses ? pass_losses.data() : nullptr);
        double loss = NAN, unc = NAN;
        ggml_opt_result_loss(result, &loss, &unc);
        ggml_opt_result_free(result);
        if (n < 0) fail("TRAIN_FAILED", "llama_opt_sequences failed with " + std::to_string(n));
        if (!std::isfinite(loss)) {
            fail("LOSS_NOT_FINITE", "the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
                 " at step " + std::to_string(schedule.step + 1) + " (learning rate too high?); no adapter written");
        }
        tokens_done += (int64_t) real_tokens;
        step_loss_sum += loss;
        step_passes++;
        step_examples += (int) pass_lengths.size();
        if (o.example_losses) {
            for (size_t i = 0; i < pass_lengths.size(); i++) {
                step_example_losses.push_back({ { "example", passes[p].examples[i] }, { "loss", pass_losses[i] } });
            }
        }
        const bool step_done = step_passes == o.batch || p + 1 == passes.size();
        if (!step_done) continue;

        const float lr_used = schedule.current;
        schedule.step++;
        last_loss = step_loss_sum / step_passes;
        if (std::isnan(first_loss)) first_loss = last_loss;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
        const double tokens_per_s = tokens_done / std::max(seconds, 1e-9);
        const double eta = seconds / (double) (p + 1) * (double) (passes.size() - p - 1);
        json line = { { "type", "step" }, { "step", schedule.step }, { "steps", schedule.total_steps }, { "epoch", passes[p].epoch + 1 },
                      { "examples", step_examples }, { "loss", last_loss }, { "lr", lr_used }, { "tokens_per_s", tokens_per_s }, { "eta_s", eta } };
        if (o.example_losses) line["example_losses"] = step_example_losses;
        emit(line);
        step_loss_sum = 0.0;
        step_passes = 0;
        step_examples = 0;
        step_example_losses = json::array();
    }
    if (g_interrupted) fail("INTERRUPTED", "stopped by a signal; no adapter written", 130);

    std::vector<std::pair<std::string, std::string>> metadata = o.metadata;
    metadata.emplace_back("seal.lora.rank", std::to_string(o.rank));
    metadata.emplace_back("seal.lora.targets", o.targets);
    metadata.emplace_back("seal.train.lr", std::to_string(o.lr));
    metadata.emplace_back("seal.train.epochs", std::to_string(o.epochs));
    metadata.emplace_back("seal.train.batch", std::to_string(o.batch));
    metadata.emplace_back("seal.train.pack_tokens", std::to_string(o.pack_tokens));
    metadata.emplace_back("seal.train.optimizer", o.optimizer);
    metadata.emplace_back("seal.train.seq_len", std::to_string(o.seq_len));
    metadata.emplace_back("seal.train.seed", std::to_string(o.seed));
    metadata.emplace_back("seal.train.schedule", o.schedule);
    metadata.emplace_back("seal.train.warmup", std::to_string(o.warmup));
    metadata.emplace_back("seal.train.weight_decay", std::to_string(o.wd));
    metadata.emplace_back("seal.train.final_loss", std::to_string(last_loss));
    if (!seal::write_lora_adapter(o.out, shapes.architecture, alpha, trainable, metadata, error)) fail("OUTPUT_UNWRITABLE", error);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    const rusage usage = process_usage();
    // The BF16 copies of the base's matrices that --weight-copy made (patches 0006 and 0009): how
    // many for the forward and the backward products, and the memory they hold.
    int64_t copies_forward = 0, copies_backward = 0;
    size_t copies_bytes = 0;
    ggml_cpu_get_weight_copies(&copies_forward, &copies_backward, &copies_bytes);
    emit({ { "type", "done" }, { "path", o.out }, { "steps", schedule.step }, { "first_loss", first_loss }, { "final_loss", last_loss },
           { "seconds", seconds }, { "tokens_per_s", tokens_done / std::max(seconds, 1e-9) },
           { "peak_rss_bytes", (int64_t) usage.ru_maxrss * 1024 }, { "threads", threads }, { "cpu_seconds", cpu_seconds(usage) - cpu_start },
           { "weight_copies", { { "forward", copies_forward }, { "backward", copies_backward }, { "bytes", (int64_t) copies_bytes } } },
           { "short_k_products", ggml_cpu_get_short_k_products() },   // patch 0013's kernel: how many products took it
           { "packed_bf16_products", ggml_cpu_get_packed_bf16_products() } }); // patch 0014's kernel: how many products took it

    llama_adapter_lora_free(adapter);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
