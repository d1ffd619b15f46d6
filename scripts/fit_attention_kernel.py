#!/usr/bin/env python3
"""Fit calibration.attention_kernel of configs/gpus/h100-sxm.json on decode-attention microbenchmarks.

Data: validation/attention/*.json with role "calibration" (H100 SXM, nvbench GPU times of a paged
decode-attention kernel, Llama-3-70B shape, microsoft/onnxruntime PR #21414); the FlashAttention-2
rows of the same PR are held out.

The model prices a fused attention kernel as its launch, a fixed GPU time F, and the KV-cache
reads at a fraction f of peak HBM bandwidth (plus the model's own small per-op latencies). With
F = 0 and f = 1 the model predicts p0(L); for other values its prediction is, to first order,
    p(L) = p0(L) + F + kv_bytes(L) * (1/(f * peak) - 1/peak)
because the KV reads are the binding resource. F and 1/f are fitted by least squares on relative
error, then the model is re-run with the fitted block to report the residuals.

Usage: python3 scripts/fit_attention_kernel.py [path/to/spusim]   (default .build/release/spusim)
"""
import json, os, sys
import spusim_fit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPUSIM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/spusim")
HARDWARE = os.path.join(ROOT, "configs/gpus/h100-sxm.json")
PEAK = 3.35e12  # H100 SXM HBM3 peak, bytes/s (datasheet; configs/gpus/h100-sxm.json)


def cases():
    folder = os.path.join(ROOT, "validation/attention")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json") and "h100" in name:
            yield json.load(open(os.path.join(folder, name)))


def predict(block):
    """Model predictions for every H100 attention case with `block` as calibration.attention_kernel."""
    hw = json.load(open(HARDWARE))
    hw["calibration"]["attention_kernel"] = dict(block, source="fit_attention_kernel.py trial")
    return spusim_fit.predict(hw, list(cases()), spusim=SPUSIM)


def kv_bytes(c):
    a = c["case"]["attention"]
    return 2 * a["batch"] * a["kv_heads"] * a["kv_length"] * a["head_dim"] * 2  # K and V, 16-bit


def main():
    all_cases = list(cases())
    calibration = [c for c in all_cases if c["role"] == "calibration"]
    p0 = predict({"fixed_us": 0, "kv_cache_bandwidth_fraction": 1.0})
    # Least squares on relative error for x = (F, g) with g = 1/(f*peak) - 1/peak:
    # measured - p0 = F + kv * g, weighted by 1/measured.
    s = [[0.0, 0.0], [0.0, 0.0]]
    r = [0.0, 0.0]
    for c in calibration:
        w = 1 / c["measured"]
        row = (w, kv_bytes(c) * w)
        y = (c["measured"] - p0[c["name"]]) * w
        for i in range(2):
            r[i] += row[i] * y
            for j in range(2):
                s[i][j] += row[i] * row[j]
    det = s[0][0] * s[1][1] - s[0][1] * s[1][0]
    fixed = (r[0] * s[1][1] - r[1] * s[0][1]) / det
    g = (s[0][0] * r[1] - s[1][0] * r[0]) / det
    fraction = 1 / (PEAK * (g + 1 / PEAK))
    block = {"fixed_us": round(fixed * 1e6, 3), "kv_cache_bandwidth_fraction": round(fraction, 4)}
    fitted = predict(block)
    for role in ("calibration", "held-out"):
        errs = [abs(fitted[c["name"]] / c["measured"] - 1) for c in all_cases if c["role"] == role]
        if errs:
            print(f"{role}: {len(errs)} cases, mean |error| {100 * sum(errs) / len(errs):.1f}%, max {100 * max(errs):.1f}%")
    print(json.dumps(block, indent=2))


if __name__ == "__main__":
    main()
