// seal-dequantize: writes an F32 or BF16 copy of a GGUF model (every quantized or F16 tensor
// converted, metadata kept). Training against a dequantized base trades memory for speed: the
// backward pass then multiplies plain numbers instead of dequantizing weights again at every step.
// BF16 keeps 1-D tensors (norms) in F32, as llama.cpp's own converter does; its matrix products
// run on avx512_bf16 where the CPU has it.
//
// It also writes F16 and Q8_0 copies: the trainer's tests train on the storage types users run,
// and no package ships the default model in them. (Q8_0 from a Q4_1 file is a requantization:
// no better than the source, and meant for tests, not for serving.)
#include "ggml.h"
#include "gguf.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char ** argv) {
    // the matrices' type, and general.file_type's value for it (llama_ftype)
    struct target { const char * name; ggml_type type; uint32_t file_type; };
    static const target targets[] = {
        { "f32", GGML_TYPE_F32, 0 }, { "bf16", GGML_TYPE_BF16, 32 }, { "f16", GGML_TYPE_F16, 1 }, { "q8_0", GGML_TYPE_Q8_0, 7 },
    };
    const target * chosen = argc == 3 ? &targets[0] : nullptr;
    for (const target & t : targets) {
        if (argc == 4 && std::string(argv[3]) == t.name) chosen = &t;
    }
    if ((argc != 3 && argc != 4) || chosen == nullptr) {
        fprintf(stderr, "usage: %s <model.gguf> <out.gguf> [f32|bf16|f16|q8_0]\n", argv[0]);
        return 2;
    }
    const std::string in = argv[1], out = argv[2];
    ggml_context * data = nullptr;
    gguf_init_params params = { /*no_alloc =*/ false, /*ctx =*/ &data };
    gguf_context * src = gguf_init_from_file(in.c_str(), params);
    if (src == nullptr) {
        fprintf(stderr, "error: %s is not a readable GGUF file\n", in.c_str());
        return 1;
    }
    size_t bytes = 0;
    for (int64_t i = 0; i < gguf_get_n_tensors(src); i++) {
        const ggml_tensor * t = ggml_get_tensor(data, gguf_get_tensor_name(src, i));
        bytes += ggml_nelements(t) * sizeof(float) + ggml_tensor_overhead();
    }
    ggml_init_params cparams = { bytes + 1024, nullptr, false };
    ggml_context * converted = ggml_init(cparams);

    gguf_context * dst = gguf_init_empty();
    gguf_set_kv(dst, src);
    gguf_set_val_u32(dst, "general.file_type", chosen->file_type);
    std::vector<float> row;
    for (int64_t i = 0; i < gguf_get_n_tensors(src); i++) {
        const ggml_tensor * t = ggml_get_tensor(data, gguf_get_tensor_name(src, i));
        // Matrices whose rows the type's blocks do not divide stay F32, as llama.cpp's quantizer
        // falls back for them too.
        const bool matrix = ggml_n_dims(t) >= 2 && t->ne[0] % ggml_blck_size(chosen->type) == 0;
        const ggml_type type = matrix ? chosen->type : GGML_TYPE_F32;
        ggml_tensor * f = ggml_new_tensor(converted, type, GGML_MAX_DIMS, t->ne);
        ggml_set_name(f, t->name);
        row.resize(ggml_nelements(t));
        if (t->type == GGML_TYPE_F32) {
            memcpy(row.data(), t->data, ggml_nbytes(t));
        } else {
            const auto * traits = ggml_get_type_traits(t->type);
            if (traits->to_float == nullptr) {
                fprintf(stderr, "error: cannot convert %s (%s) to F32\n", t->name, ggml_type_name(t->type));
                return 1;
            }
            traits->to_float(t->data, row.data(), ggml_nelements(t));
        }
        if (type == GGML_TYPE_F32) {
            memcpy(f->data, row.data(), ggml_nbytes(f));
        } else if (type == GGML_TYPE_BF16) {
            ggml_fp32_to_bf16_row(row.data(), (ggml_bf16_t *) f->data, ggml_nelements(t));
        } else {
            ggml_quantize_chunk(type, row.data(), f->data, 0, ggml_nrows(t), t->ne[0], nullptr); // F16 too
        }
        gguf_add_tensor(dst, f);
    }
    const std::string tmp = out + ".tmp";
    if (!gguf_write_to_file(dst, tmp.c_str(), false) || std::rename(tmp.c_str(), out.c_str()) != 0) {
        std::remove(tmp.c_str());
        fprintf(stderr, "error: could not write %s\n", out.c_str());
        return 1;
    }
    printf("{\"path\":\"%s\",\"tensors\":%lld}\n", out.c_str(), (long long) gguf_get_n_tensors(src));
    gguf_free(dst);
    gguf_free(src);
    ggml_free(converted);
    ggml_free(data);
    return 0;
}
