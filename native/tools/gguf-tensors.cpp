// seal-gguf-tensors: prints each tensor of a GGUF file (model or adapter) as one JSON object on
// stdout: name, type, shape, and for F32 tensors the L2 norm and largest magnitude, plus a 64-bit
// FNV-1a checksum of the raw bytes. Tests use it to compare adapters (determinism, gradient
// accumulation) and to check which tensors training changed; users can use it to inspect adapters.
#include "ggml.h"
#include "gguf.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

int main(int argc, char ** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <file.gguf>\n", argv[0]);
        return 2;
    }
    ggml_context * data = nullptr;
    gguf_init_params params = { /*no_alloc =*/ false, /*ctx =*/ &data };
    gguf_context * gguf = gguf_init_from_file(argv[1], params);
    if (gguf == nullptr) {
        fprintf(stderr, "error: %s is not a readable GGUF file\n", argv[1]);
        return 1;
    }
    printf("{\"tensors\":[");
    for (int64_t i = 0; i < gguf_get_n_tensors(gguf); i++) {
        const char * name = gguf_get_tensor_name(gguf, i);
        const ggml_tensor * t = ggml_get_tensor(data, name);
        uint64_t hash = 1469598103934665603ULL;
        const uint8_t * bytes = (const uint8_t *) t->data;
        for (size_t k = 0; k < ggml_nbytes(t); k++) {
            hash ^= bytes[k];
            hash *= 1099511628211ULL;
        }
        double l2 = 0.0, max_abs = 0.0;
        if (t->type == GGML_TYPE_F32) {
            const float * values = (const float *) t->data;
            for (int64_t k = 0; k < ggml_nelements(t); k++) {
                l2 += (double) values[k] * values[k];
                max_abs = std::fmax(max_abs, std::fabs((double) values[k]));
            }
        }
        printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"shape\":[%lld,%lld],\"l2\":%.9g,\"max_abs\":%.9g,\"checksum\":\"%016llx\"}",
               i == 0 ? "" : ",", name, ggml_type_name(t->type), (long long) t->ne[0], (long long) t->ne[1],
               std::sqrt(l2), max_abs, (unsigned long long) hash);
    }
    printf("]}\n");
    gguf_free(gguf);
    ggml_free(data);
    return 0;
}
