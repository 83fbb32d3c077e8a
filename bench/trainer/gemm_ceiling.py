#!/usr/bin/env python3
"""The machine's GEMM ceiling, for bench/trainer's "share of the ceiling" line.

Times square matrix products in PyTorch (oneDNN/MKL: the best CPU GEMMs this machine has at hand)
in float32 and, where the CPU has avx512_bf16 or AMX, bfloat16, on the given number of threads, and
prints the best GFLOP/s of each as JSON. Sizes are large enough that the products run at the
kernels' peak, not at their overheads.

Usage: python bench/trainer/gemm_ceiling.py --threads 2
"""

from __future__ import annotations

import argparse
import json
import time

import torch


def gflops(dtype: torch.dtype, n: int, repeats: int) -> float:
    a = torch.randn(n, n).to(dtype)
    b = torch.randn(n, n).to(dtype)
    torch.matmul(a, b)  # warm-up: kernel selection and page faults
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        torch.matmul(a, b)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    flags = open("/proc/cpuinfo", encoding="utf-8").read()
    result = {"fp32": max(gflops(torch.float32, n, 5) for n in (1024, 2048))}
    if "avx512_bf16" in flags or "amx_bf16" in flags:
        result["bf16"] = max(gflops(torch.bfloat16, n, 5) for n in (1024, 2048))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
