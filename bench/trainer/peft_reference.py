#!/usr/bin/env python3
"""Reference LoRA trainer in PyTorch + PEFT, for benchmarking seal-train against it.

Why this exists: our trainer (native/tools/train.cpp, "seal-train") trains LoRA adapters with
llama.cpp's ggml-opt. To know whether its numbers are right and how fast and lean it is, the
trainer benchmark runs this script on the same base model (the same GGUF file, dequantized to
float32 by transformers), the same data (the same JSON Lines format, tokenized the same way) and
the same hyper-parameters, and compares first-step loss, loss curves, tokens/s and peak RSS.

Everything here mirrors seal-train on purpose:
  * data: each line is one sequence, {"text"} (loss on every next token) or {"prompt",
    "completion"} (loss on completion tokens only; prompt and completion are tokenized
    separately and concatenated, nothing is added or appended); truncated to --seq-len tokens;
  * by default batch size 1: one sequence per optimizer step (--batch N: N right-padded sequences, the
    loss the mean of each one's loss, as seal-train's --pack-tokens); loss = mean cross-entropy over the labelled
    positions of that sequence;
  * the per-epoch order is a Fisher-Yates shuffle driven by std::mt19937(seed) raw output, as in
    seal-train, so with the same seed both trainers see the examples in the same order;
  * AdamW (betas 0.9/0.999, eps 1e-8, no weight decay) at a constant learning rate;
  * LoRA on q,k,v,o,gate,up,down with scale alpha / r; with --init-adapter the adapter written
    by seal-lora-init (or any adapter in llama.cpp's GGUF LoRA layout) is copied in, so both
    trainers start from identical weights.

The one non-obvious step is the "rope permutation": llama.cpp's GGUF conversion permutes the
output rows of q_proj and k_proj of llama models (HF's rotate-half RoPE layout becomes ggml's
adjacent-pairs layout), and transformers undoes it when it loads the GGUF. An adapter whose
update B@A is added to the GGUF's attn_q/attn_k therefore lives in the permuted row order: its B
(the output side) must get the same inverse permutation before it goes into PEFT's lora_B; A
(the input side) is unchanged.

Usage:
  python bench/trainer/peft_reference.py --model <gguf> --data <jsonl> [--init-adapter <gguf>]
      --rank 16 --alpha 32 --lr 1e-3 --epochs N --seq-len 256 --threads 2
      --precision fp32|bf16 --seed 42 --json-out <file>
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import psutil
import torch
import torch.nn.functional as F

TARGET_MODULES: list[str] = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

# llama.cpp tensor name (blk.N.<name>.weight) -> (HF submodule of the decoder layer, projection)
GGUF_TO_HF: dict[str, tuple[str, str]] = {
    "attn_q": ("self_attn", "q_proj"),
    "attn_k": ("self_attn", "k_proj"),
    "attn_v": ("self_attn", "v_proj"),
    "attn_output": ("self_attn", "o_proj"),
    "ffn_gate": ("mlp", "gate_proj"),
    "ffn_up": ("mlp", "up_proj"),
    "ffn_down": ("mlp", "down_proj"),
}

# llama.cpp pre-tokenizer types whose first split isolates every digit (\p{N}) before the
# GPT-2 regex (src/llama-vocab.cpp). transformers builds these GGUF tokenizers with the plain
# GPT-2 pre-tokenizer, which does not split digits; we put the digit split back.
DIGIT_SPLIT_PRE_TYPES: set[str] = {
    "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva", "mellum2",
}


class Mt19937:
    """std::mt19937 (32-bit Mersenne Twister, seeded like the C++ constructor), raw output only."""

    def __init__(self, seed: int) -> None:
        self.mt: list[int] = [0] * 624
        self.index = 624
        self.mt[0] = seed & 0xFFFFFFFF
        for i in range(1, 624):
            prev = self.mt[i - 1]
            self.mt[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF

    def _twist(self) -> None:
        mt = self.mt
        for i in range(624):
            y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7FFFFFFF)
            v = mt[(i + 397) % 624] ^ (y >> 1)
            if y & 1:
                v ^= 0x9908B0DF
            mt[i] = v
        self.index = 0

    def __call__(self) -> int:
        if self.index >= 624:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y & 0xFFFFFFFF


def shuffled_order(n: int, rng: Mt19937) -> list[int]:
    """The per-epoch order seal-train uses: Fisher-Yates with rng() % i."""
    order = list(range(n))
    for i in range(n, 1, -1):
        j = rng() % i
        order[i - 1], order[j] = order[j], order[i - 1]
    return order


@dataclass
class Example:
    tokens: list[int]
    targets: list[int]  # targets[i]: the token position i must predict, -100 for no loss
    n_labelled: int
    n_prompt: int


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="PyTorch + PEFT LoRA reference trainer (benchmark baseline for seal-train).")
    p.add_argument("--model", required=True, help="base model GGUF (loaded and dequantized to float32 by transformers)")
    p.add_argument("--data", required=True, help='JSON Lines: {"text"} or {"prompt", "completion"} per line')
    p.add_argument("--init-adapter", help="LoRA adapter GGUF in llama.cpp's layout (e.g. from seal-lora-init) to start from")
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--alpha", type=float, default=32.0)
    p.add_argument("--lr", type=float, default=1e-3, help="constant learning rate (0 evaluates without changing the adapter)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seq-len", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--batch", type=int, default=1,
                   help="examples per optimizer step, right-padded to the longest of the step (the loss is the mean of "
                        "each example's mean cross-entropy, seal-train's objective with --batch or --pack-tokens)")
    p.add_argument("--group-by-length", action="store_true",
                   help="with --batch: each epoch, batches are cut from the shuffled examples sorted by length (least "
                        "padding), and the batches are then shuffled; transformers' group_by_length does the same")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json-out", help="write the result JSON here")
    p.add_argument("--dump-tokens", help="write each example's token ids and prompt length as JSON Lines (to check tokenizer agreement)")
    p.add_argument("--no-rope-permute", action="store_true",
                   help="diagnostic only: copy attn_q/attn_k lora_b without the inverse rope permutation (wrong for non-zero B)")
    args = p.parse_args(argv)
    if args.rank <= 0 or args.epochs <= 0 or args.seq_len < 2 or args.lr < 0 or args.threads <= 0:
        p.error("need --rank > 0, --epochs > 0, --seq-len >= 2, --lr >= 0, --threads > 0")
    return args


def read_gguf_string(reader: Any, key: str) -> str | None:
    field = reader.fields.get(key)
    return None if field is None else str(field.contents())


def load_tokenizer(model_path: str) -> Any:
    """The tokenizer transformers builds from the GGUF, with llama.cpp's digit split restored."""
    from gguf import GGUFReader
    from tokenizers import pre_tokenizers
    from transformers import AutoTokenizer

    directory, name = os.path.split(os.path.abspath(model_path))
    tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=name)
    pre_type = read_gguf_string(GGUFReader(model_path), "tokenizer.ggml.pre")
    backend = tokenizer.backend_tokenizer
    if pre_type in DIGIT_SPLIT_PRE_TYPES and isinstance(backend.pre_tokenizer, pre_tokenizers.ByteLevel):
        backend.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
        ])
    return tokenizer


def tokenize(tokenizer: Any, text: str) -> list[int]:
    # llama.cpp: llama_tokenize(add_special per the GGUF (no BOS for SmolLM2), parse_special=true).
    # Here: no special tokens added; special-token text such as <|im_end|> still maps to its id.
    ids: list[int] = tokenizer(text, add_special_tokens=False)["input_ids"]
    bos = getattr(tokenizer, "bos_token_id", None)
    if getattr(tokenizer, "add_bos_token", False) and bos is not None:
        ids = [bos] + ids
    return ids


def read_dataset(path: str, tokenizer: Any, seq_len: int) -> list[Example]:
    examples: list[Example] = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            n_prompt = 0
            if isinstance(row.get("text"), str):
                tokens = tokenize(tokenizer, row["text"])
            elif isinstance(row.get("prompt"), str) and isinstance(row.get("completion"), str):
                tokens = tokenize(tokenizer, row["prompt"])
                n_prompt = len(tokens)
                # The completion never gets a BOS, like seal-train's add_special=false.
                tokens = tokens + tokenizer(row["completion"], add_special_tokens=False)["input_ids"]
            else:
                raise SystemExit(f'{path}:{line_no}: expected {{"text"}} or {{"prompt", "completion"}} strings')
            if len(tokens) > seq_len:
                if n_prompt >= seq_len:
                    raise SystemExit(f"{path}:{line_no}: the prompt alone has {n_prompt} tokens, over --seq-len {seq_len}")
                print(f"warning: line {line_no}: {len(tokens)} tokens truncated to {seq_len}", file=sys.stderr)
                tokens = tokens[:seq_len]
            targets = [-100] * len(tokens)
            for i in range(len(tokens) - 1):
                if i + 1 >= n_prompt:
                    targets[i] = tokens[i + 1]
            n_labelled = sum(1 for t in targets if t >= 0)
            if n_labelled == 0:
                raise SystemExit(f"{path}:{line_no}: nothing to learn (needs at least one predicted token)")
            examples.append(Example(tokens, targets, n_labelled, n_prompt))
    if not examples:
        raise SystemExit(f"{path} has no examples")
    return examples


def load_model(model_path: str) -> Any:
    from transformers import AutoModelForCausalLM

    directory, name = os.path.split(os.path.abspath(model_path))
    model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, dtype=torch.float32)
    for pname, param in model.named_parameters():
        if param.dtype != torch.float32:
            raise SystemExit(f"expected a float32 (dequantized) model, but {pname} is {param.dtype}")
    model.config.use_cache = False
    return model


def reverse_rope_permute(rows: np.ndarray, n_head: int) -> np.ndarray:
    """Undo llama.cpp's convert_hf_to_gguf permute() on the output rows (axis 0), as transformers
    does for the base attn_q/attn_k weights."""
    half = rows.shape[0] // n_head // 2
    return rows.reshape(n_head, half, 2, *rows.shape[1:]).swapaxes(2, 1).reshape(rows.shape)


def copy_init_adapter(peft_model: Any, path: str, rank: int, alpha: float, permute: bool) -> int:
    """Copy lora_a/lora_b from an adapter in llama.cpp's GGUF layout into PEFT's lora_A/lora_B."""
    from gguf import GGUFReader

    reader = GGUFReader(path)
    field = reader.fields.get("adapter.lora.alpha")
    file_alpha = float(field.contents()) if field is not None else None
    if file_alpha is not None and abs(file_alpha - alpha) > 1e-6:
        raise SystemExit(f"{path} has alpha {file_alpha}, but --alpha is {alpha}")
    config = peft_model.base_model.model.config
    n_head, n_kv = config.num_attention_heads, config.num_key_value_heads
    tensors = {t.name: np.array(t.data, dtype=np.float32) for t in reader.tensors}
    layers = peft_model.base_model.model.model.layers
    copied = 0
    for li, layer in enumerate(layers):
        for gguf_name, (sub, proj) in GGUF_TO_HF.items():
            module = getattr(getattr(layer, sub), proj)
            key = f"blk.{li}.{gguf_name}.weight"
            if key + ".lora_a" not in tensors or key + ".lora_b" not in tensors:
                raise SystemExit(f"{path} lacks {key}.lora_a/.lora_b")
            a = tensors.pop(key + ".lora_a")  # numpy (r, n_in) == PEFT lora_A.weight
            b = tensors.pop(key + ".lora_b")  # numpy (n_out, r) == PEFT lora_B.weight
            if a.shape[0] != rank:
                raise SystemExit(f"{path}: {key} has rank {a.shape[0]}, but --rank is {rank}")
            if permute and gguf_name == "attn_q":
                b = reverse_rope_permute(b, n_head)
            elif permute and gguf_name == "attn_k":
                b = reverse_rope_permute(b, n_kv)
            lora_a = module.lora_A["default"].weight
            lora_b = module.lora_B["default"].weight
            if tuple(lora_a.shape) != a.shape or tuple(lora_b.shape) != b.shape:
                raise SystemExit(f"{path}: {key} shapes {a.shape}/{b.shape} do not fit {tuple(lora_a.shape)}/{tuple(lora_b.shape)}")
            with torch.no_grad():
                lora_a.copy_(torch.from_numpy(np.ascontiguousarray(a)))
                lora_b.copy_(torch.from_numpy(np.ascontiguousarray(b)))
            copied += 1
    if tensors:
        raise SystemExit(f"{path} has tensors this model has no place for: {sorted(tensors)[:4]}...")
    return copied


def forward_logits(model: Any, precision: str, **inputs: torch.Tensor) -> torch.Tensor:
    """The model's logits, under bf16 autocast for --precision bf16."""
    if precision == "bf16":
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return model(**inputs).logits
    return model(**inputs).logits


def sequence_loss(model: Any, ex: Example, precision: str) -> torch.Tensor:
    input_ids = torch.tensor([ex.tokens], dtype=torch.long)
    targets = torch.tensor(ex.targets, dtype=torch.long)
    logits = forward_logits(model, precision, input_ids=input_ids)[0]
    # mean cross-entropy over labelled positions (targets == -100 are ignored)
    return F.cross_entropy(logits.float(), targets, ignore_index=-100, reduction="mean")


def batch_loss(model: Any, batch: list[Example], precision: str) -> torch.Tensor:
    """The mean over the batch of each example's mean cross-entropy, right-padded to the longest."""
    if len(batch) == 1:
        return sequence_loss(model, batch[0], precision)
    width = max(len(ex.tokens) for ex in batch)
    input_ids = torch.zeros((len(batch), width), dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    targets = torch.full((len(batch), width), -100, dtype=torch.long)
    for row, ex in enumerate(batch):
        n = len(ex.tokens)
        input_ids[row, :n] = torch.tensor(ex.tokens)
        attention[row, :n] = 1
        targets[row, :n] = torch.tensor(ex.targets)
    logits = forward_logits(model, precision, input_ids=input_ids, attention_mask=attention)
    per_token = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100,
                                reduction="none").reshape(len(batch), width)
    labelled = (targets != -100).float()
    return ((per_token * labelled).sum(dim=1) / labelled.sum(dim=1)).mean()


def epoch_batches(examples: list[Example], rng: Mt19937, batch: int, group_by_length: bool) -> list[list[int]]:
    order = shuffled_order(len(examples), rng)
    if group_by_length:
        order = sorted(order, key=lambda i: len(examples[i].tokens))
    batches = [order[i:i + batch] for i in range(0, len(order), batch)]
    if group_by_length:
        batches = [batches[i] for i in shuffled_order(len(batches), rng)]
    return batches


def peak_rss_bytes() -> int:
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    return max(ru, psutil.Process().memory_info().rss)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    import peft
    import transformers
    from peft import LoraConfig, get_peft_model

    t_load = time.perf_counter()
    tokenizer = load_tokenizer(args.model)
    examples = read_dataset(args.data, tokenizer, args.seq_len)
    if args.dump_tokens:
        with open(args.dump_tokens, "w", encoding="utf-8") as f:
            for ex in examples:
                f.write(json.dumps({"tokens": ex.tokens, "n_prompt": ex.n_prompt}) + "\n")
    model = load_model(args.model)
    lora = LoraConfig(r=args.rank, lora_alpha=args.alpha, lora_dropout=0.0, target_modules=TARGET_MODULES,
                      bias="none", task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    if args.init_adapter:
        copy_init_adapter(model, args.init_adapter, args.rank, args.alpha, permute=not args.no_rope_permute)
    trainable = [p for p in model.parameters() if p.requires_grad]
    n_trainable = sum(p.numel() for p in trainable)
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    load_seconds = time.perf_counter() - t_load
    rss_after_load = psutil.Process().memory_info().rss
    model.train()

    rng = Mt19937(args.seed)
    steps: list[dict[str, Any]] = []
    tokens_done = 0
    t_start = time.perf_counter()
    for epoch in range(args.epochs):
        for indices in epoch_batches(examples, rng, args.batch, args.group_by_length):
            batch = [examples[idx] for idx in indices]
            t_step = time.perf_counter()
            optimizer.zero_grad(set_to_none=True)
            loss = batch_loss(model, batch, args.precision)
            loss.backward()
            optimizer.step()
            value = float(loss.detach())
            if not np.isfinite(value):
                raise SystemExit(f"the loss became {value} at step {len(steps) + 1}")
            # real tokens only: padding is work PEFT does, not tokens it trains on
            real = sum(len(ex.tokens) for ex in batch)
            tokens_done += real
            steps.append({"step": len(steps) + 1, "epoch": epoch + 1, "example": indices[0] if len(indices) == 1 else indices,
                          "loss": value, "tokens": real, "padded_tokens": len(batch) * max(len(ex.tokens) for ex in batch),
                          "labelled": sum(ex.n_labelled for ex in batch), "seconds": time.perf_counter() - t_step})
    train_seconds = time.perf_counter() - t_start

    result: dict[str, Any] = {
        "precision": args.precision,
        "steps": steps,
        "first_loss": steps[0]["loss"],
        "final_loss": steps[-1]["loss"],
        "tokens": tokens_done,
        "train_seconds": train_seconds,
        "tokens_per_s": tokens_done / max(train_seconds, 1e-9),
        "load_seconds": load_seconds,
        "rss_after_load_bytes": rss_after_load,
        "peak_rss_bytes": peak_rss_bytes(),
        "trainable_parameters": n_trainable,
        "settings": {"rank": args.rank, "alpha": args.alpha, "lr": args.lr, "epochs": args.epochs,
                     "seq_len": args.seq_len, "threads": args.threads, "seed": args.seed,
                     "batch": args.batch, "group_by_length": args.group_by_length,
                     "init_adapter": args.init_adapter, "rope_permute": not args.no_rope_permute},
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                     "python": sys.version.split()[0]},
    }
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    print(f"peft-reference {args.precision}: {len(steps)} steps, first loss {result['first_loss']:.4f}, "
          f"final loss {result['final_loss']:.4f}, {result['tokens_per_s']:.1f} tokens/s, "
          f"peak RSS {result['peak_rss_bytes'] / 2**20:.0f} MiB (load {load_seconds:.1f} s, train {train_seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
