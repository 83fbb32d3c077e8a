// seal-gguf-info: prints a GGUF model's metadata as one JSON object on stdout.
// It is the smallest program that proves our build links libllama/ggml from node-llama-cpp's
// bundled source, and it lets the TypeScript side read metadata the way llama.cpp itself does.
#include "llama.h"

#include <cstdio>
#include <string>
#include <vector>

static std::string json_escape(const std::string & s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (unsigned char c : s) {
        switch (c) {
            case '"':  out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n";  break;
            case '\r': out += "\\r";  break;
            case '\t': out += "\\t";  break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    snprintf(buf, sizeof(buf), "\\u%04x", c);
                    out += buf;
                } else {
                    out += (char) c;
                }
        }
    }
    return out;
}

// Metadata values can be long (tokenizer arrays are summarised by llama.cpp, chat templates are
// not), so read each into a buffer sized by a first call.
template <typename Getter>
static std::string read_string(Getter get) {
    std::vector<char> buf(256);
    int32_t n = get(buf.data(), buf.size());
    if (n < 0) return "";
    if ((size_t) n >= buf.size()) {
        buf.resize((size_t) n + 1);
        get(buf.data(), buf.size());
    }
    return std::string(buf.data());
}

static void quiet_log(ggml_log_level level, const char * text, void *) {
    if (level >= GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

int main(int argc, char ** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <model.gguf>\n", argv[0]);
        return 2;
    }
    llama_log_set(quiet_log, nullptr);
    llama_backend_init();

    llama_model_params params = llama_model_default_params();
    params.vocab_only = true; // metadata only: no weights are read
    llama_model * model = llama_model_load_from_file(argv[1], params);
    if (model == nullptr) {
        fprintf(stderr, "error: failed to load %s as a GGUF model\n", argv[1]);
        llama_backend_free();
        return 1;
    }

    printf("{\"metadata\":{");
    const int32_t count = llama_model_meta_count(model);
    for (int32_t i = 0; i < count; i++) {
        const std::string key = read_string([&](char * b, size_t n) { return llama_model_meta_key_by_index(model, i, b, n); });
        const std::string val = read_string([&](char * b, size_t n) { return llama_model_meta_val_str_by_index(model, i, b, n); });
        printf("%s\"%s\":\"%s\"", i == 0 ? "" : ",", json_escape(key).c_str(), json_escape(val).c_str());
    }
    printf("}}\n");

    llama_model_free(model);
    llama_backend_free();
    return 0;
}
