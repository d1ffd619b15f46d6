#!/usr/bin/env python3
"""Fit each GPU's per-kernel overhead and GEMM streaming-efficiency curve on aiconfigurator GEMMs.

Data: validation/microbenchmarks/aiconfigurator/<gpu>/gemm_float16.csv (scripts/extract_aiconfigurator.py):
TensorRT-LLM 16-bit Linear layers timed back to back inside a CUDA graph, i.e. the per-kernel time a
serving stack with CUDA graphs sees. Only small-batch GEMMs (m <= 16) are used: they stream the
weight matrix and do little arithmetic, so their time is a fixed per-kernel part plus the weight
bytes over the achieved bandwidth:
    t = kernel_launch_overhead + (model's own per-op latencies) + weight_bytes / (f(bytes) * peak)
With kernel_launch_overhead_us = 0 and f = 1 the model predicts p0, so t = p0 + L + W/peak (1/f - 1).
Calibration uses square weights (n = k) only; every n != k shape is held out.
  - L: least squares on relative error over tiny GEMMs (weights <= 64 KiB), whose time is the
    per-kernel floor inside a CUDA graph; it stands for every kernel's launch gap, ramp and tail.
  - f(bytes): for each square size n = k in SIZES, the mean over m = 1..16 of the f that makes the
    model match, giving calibration.gemm_offchip_efficiency as [operand bytes, fraction] points
    (operand bytes ~ weight bytes at m <= 16; interpolated in log bytes by the model).
The model is re-run with the fitted values; residuals are printed by weight size and shape.

Usage: python3 scripts/fit_gemm_kernels.py [--write] [gpu ...]   (default: all four; needs .build/release/spusim)
  --write  store the fitted values in configs/gpus/<gpu>.json (the calibration source text is edited by hand).
"""
import json, os, sys
from spusim_fit import ROOT, aiconfigurator_gemms, predict, summarize

GPUS = ["a100-sxm-80gb", "h100-sxm", "h200", "b200"]
SMALL_BATCH = (1, 2, 4, 8, 16)
TINY_BYTES = 64 * 2**10
LARGE_BYTES = 16 * 2**20
SIZES = (256, 512, 1024, 2048, 4096, 8192, 16384)


def small_batch(m, n, k):
    """Small-batch GEMMs: square weights calibrate, the rest are held out."""
    if m in SMALL_BATCH:
        return "calibration" if n == k else "held-out"
    return None


def fit(gpu):
    hardware = json.load(open(os.path.join(ROOT, "configs/gpus", gpu + ".json")))
    memory = hardware["memory"]["offchip"]
    peak = memory["stacks"] * memory["bandwidth_gb_per_s_per_stack"] * 1e9
    all_cases = list(aiconfigurator_gemms(gpu, small_batch))
    trial = json.loads(json.dumps(hardware))
    trial["calibration"].update(kernel_launch_overhead_us=0, gemm_offchip_efficiency=[[1, 1.0]])
    p0 = predict(trial, all_cases)
    square = [c for c in all_cases if c["role"] == "calibration"]
    tiny = [c for c in square if weight_bytes(c) <= TINY_BYTES]
    fixed = sum(1 - p0[c["name"]] / c["measured"] for c in tiny) / sum(1 / c["measured"] for c in tiny)
    curve = []
    for size in SIZES:
        chosen = [c for c in square if c["case"]["gemm"]["n"] == size]
        fractions = [streaming_fraction(weight_bytes(c) / peak, c["measured"] - p0[c["name"]] - fixed) for c in chosen]
        curve.append([2 * size * size, round(min(1.0, sum(fractions) / len(fractions)), 4)])
    trial["calibration"].update(kernel_launch_overhead_us=round(fixed * 1e6, 3), gemm_offchip_efficiency=curve)
    fitted = predict(trial, all_cases)
    if WRITE:
        hardware["calibration"].update(kernel_launch_overhead_us=round(fixed * 1e6, 3), gemm_offchip_efficiency=curve)
        with open(os.path.join(ROOT, "configs/gpus", gpu + ".json"), "w") as f:
            f.write(json.dumps(hardware, indent=2, ensure_ascii=False) + "\n")
    print(f"{gpu}: kernel_launch_overhead_us {fixed * 1e6:.3f}")
    print(f"  gemm_offchip_efficiency {json.dumps(curve)}")
    for role in ("calibration", "held-out"):
        chosen = [c for c in all_cases if c["role"] == role]
        summarize(f"  {role}", [fitted[c["name"]] / c["measured"] - 1 for c in chosen])
        for lo, hi in ((0, TINY_BYTES + 1), (TINY_BYTES + 1, LARGE_BYTES), (LARGE_BYTES, 2**40)):
            summarize(f"    weights {lo / 2**20:g}-{hi / 2**20:g} MiB",
                      [fitted[c["name"]] / c["measured"] - 1 for c in chosen if lo <= weight_bytes(c) < hi])
        summarize("    n > k", [fitted[c["name"]] / c["measured"] - 1 for c in chosen if c["case"]["gemm"]["n"] > c["case"]["gemm"]["k"]])
        summarize("    n < k", [fitted[c["name"]] / c["measured"] - 1 for c in chosen if c["case"]["gemm"]["n"] < c["case"]["gemm"]["k"]])


def streaming_fraction(ideal_seconds, excess_seconds):
    """The f at which the model's streaming time ideal/f equals ideal + excess (at most 1)."""
    actual = ideal_seconds + excess_seconds
    return 1.0 if actual <= ideal_seconds else ideal_seconds / actual


def weight_bytes(c):
    return 2 * c["case"]["gemm"]["n"] * c["case"]["gemm"]["k"]


WRITE = "--write" in sys.argv

if __name__ == "__main__":
    for gpu in [a for a in sys.argv[1:] if a != "--write"] or GPUS:
        fit(gpu)
