#!/usr/bin/env python3
"""Fit the 16-bit gemm_efficiency curve of H100, H200 and B200 on aiconfigurator's large GEMMs.

Data: validation/microbenchmarks/aiconfigurator/<gpu>/gemm_float16.csv (scripts/extract_aiconfigurator.py),
TensorRT-LLM 16-bit Linear layers timed inside a CUDA graph. These GPUs had no 16-bit curve (the
constant compute_fraction, from the MAMF table, applied); A100 keeps its Azure cuBLASLt curve.

Calibration: the square GEMMs m = n = k in SQUARES, large enough to be compute-bound. A curve point
is the compute efficiency the model needs at that GEMM size (GFLOP = 2 n^3 / 1e9) to reproduce the
measurement, found by fixed-point iteration on the model itself (efficiency <- efficiency x
predicted / measured, capped at 1), as scripts/fit_gemm_efficiency.py does for the Azure curves;
the model's own tile-quantisation and fill/drain losses are therefore not counted twice. The curve
is written for bf16 and fp16 (same tensor-core rate); below the smallest point the model clamps to it.
Held out: every non-square GEMM with m >= 2048 and n, k >= 2048 (prefill-sized), printed before and
after.

Usage: python3 scripts/fit_gemm_compute_curve.py [--write] [gpu ...]   (default: h100-sxm h200 b200)
"""
import json, os, sys
from spusim_fit import ROOT, aiconfigurator_gemms, predict, summarize

GPUS = ["h100-sxm", "h200", "b200"]
SQUARES = (4096, 8192)
FORMATS = ("bf16", "fp16")


def large(m, n, k):
    """Square compute-bound GEMMs calibrate; non-square prefill-sized ones are held out."""
    if m == n == k:
        return "calibration" if m in SQUARES else None
    return "held-out" if m >= 2048 and min(n, k) >= 2048 else None


def fit(gpu):
    path = os.path.join(ROOT, "configs/gpus", gpu + ".json")
    hardware = json.load(open(path))
    all_cases = list(aiconfigurator_gemms(gpu, large))
    squares = sorted((c for c in all_cases if c["role"] == "calibration"), key=lambda c: c["case"]["gemm"]["m"])
    held_out = [c for c in all_cases if c["role"] == "held-out"]
    before = predict(hardware, held_out)
    trial = json.loads(json.dumps(hardware))
    start = trial["calibration"]["compute_fraction"]
    curve = [[round(2 * c["case"]["gemm"]["m"] ** 3 / 1e9, 3), start] for c in squares]
    for _ in range(12):
        for f in FORMATS:
            trial["calibration"].setdefault("gemm_efficiency", {})[f] = curve
        p = predict(trial, squares)
        worst = max(abs(p[c["name"]] / c["measured"] - 1) for c in squares)
        if worst < 0.002:
            break
        curve = [[g, round(min(1.0, e * p[c["name"]] / c["measured"]), 4)] for (g, e), c in zip(curve, squares)]
    after = predict(trial, all_cases)
    print(f"{gpu}: gemm_efficiency bf16/fp16 {json.dumps(curve)} (was the constant {start})")
    for c in squares:
        tflops = 2 * c["case"]["gemm"]["m"] ** 3 / c["measured"] / 1e12
        print(f"  {c['case']['gemm']['m']}^3: measured {c['measured'] * 1e6:.1f} us = {tflops:.0f} TFLOPS, residual {100 * (after[c['name']] / c['measured'] - 1):+.1f}%")
    summarize("  held-out before", [before[c["name"]] / c["measured"] - 1 for c in held_out])
    summarize("  held-out after", [after[c["name"]] / c["measured"] - 1 for c in held_out])
    if "--write" in sys.argv:
        for f in FORMATS:
            hardware["calibration"].setdefault("gemm_efficiency", {})[f] = curve
        open(path, "w").write(json.dumps(hardware, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    for gpu in [a for a in sys.argv[1:] if a != "--write"] or GPUS:
        fit(gpu)
