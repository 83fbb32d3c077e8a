// seal-dequantize: writes an F32 copy of a GGUF model (every quantized or F16 tensor converted to
// F32, metadata kept). Training against an F32 base trades memory for speed: the backward pass
// then multiplies plain floats instead of dequantizing weights again at every step.
#include "ggml.h"
#include "gguf.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char ** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s <model.gguf> <out-f32.gguf>\n", argv[0]);
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
    gguf_set_val_u32(dst, "general.file_type", 0); // LLAMA_FTYPE_ALL_F32
    for (int64_t i = 0; i < gguf_get_n_tensors(src); i++) {
        const ggml_tensor * t = ggml_get_tensor(data, gguf_get_tensor_name(src, i));
        ggml_tensor * f = ggml_new_tensor(converted, GGML_TYPE_F32, GGML_MAX_DIMS, t->ne);
        ggml_set_name(f, t->name);
        if (t->type == GGML_TYPE_F32) {
            memcpy(f->data, t->data, ggml_nbytes(t));
        } else {
            const auto * traits = ggml_get_type_traits(t->type);
            if (traits->to_float == nullptr) {
                fprintf(stderr, "error: cannot convert %s (%s) to F32\n", t->name, ggml_type_name(t->type));
                return 1;
            }
            traits->to_float(t->data, (float *) f->data, ggml_nelements(t));
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
