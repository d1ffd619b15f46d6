#!/usr/bin/env python3
"""Fit calibration.low_latency_all_reduce on measured custom all-reduce latencies.

Two sources:
  --aiconfigurator GPU (used by the configs of a100-sxm-80gb, h100-sxm, h200, b200): NVIDIA
    aiconfigurator's TensorRT-LLM custom all-reduce table for that GPU
    (validation/microbenchmarks/aiconfigurator/GPU/custom_allreduce_float16.csv, extracted by
    scripts/extract_aiconfigurator.py; 16-bit elements, so bytes = 2 x elements; timed back to back
    inside a CUDA graph). Messages up to max_bytes (8,000,000) are used; TP=2 and TP=8 calibrate,
    TP=4 is held out. --write stores the fitted values in configs/gpus/GPU.json.
  no argument: the H100 SGLang table below (kept as a held-out cross-check of the H100 fit, and the
    basis of the MI300X assumption).

SGLang data: sgl-project/sglang pull request #2904 ("optimize custom allreduce kernel", merged 2025-01-15),
table "custom allreduce" from the unit test tests/test_trt_reduce.py on H100 (no CUDA graph): wall
time of 100 back-to-back calls / 100, in ms. The test's `data size` is an element count of a
float32 tensor (`torch.randint(1, 16, (sz,), dtype=torch.float32)`), so bytes = 4 x size; the
shared buffers are 8 MiB (BUFFER_MAX_SIZE), the largest message the kernel takes. The kernel is
TensorRT-LLM's one-shot / two-shot custom all-reduce as adapted by sglang.

Model (docs/validation.md, "Low-latency all-reduce"):
    t(N, bytes) = base + per_peer * (N - 1) + 2 (N - 1) / N * bytes / bandwidth
i.e. a fixed launch + flag-barrier cost that grows with the peers to synchronise, plus the
two-shot traffic (reduce-scatter + all-gather through each GPU's links) at the kernel's achieved
bandwidth. Fitted by least squares on relative error over the TP=2 and TP=8 columns (calibration);
the TP=4 column is held out. Prints the JSON block for configs/gpus/<gpu>.json.
"""
import csv, json, os, sys
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_BYTES = 8_000_000

ELEMENTS = [512, 4096, 32768, 262144, 524288, 1048576]
SIZES = [4 * e for e in ELEMENTS]  # float32 bytes
# Latency in ms, columns TP 2 / 4 / 8.
TABLE = [
    (0.0037, 0.0048, 0.0059),
    (0.0039, 0.0037, 0.0057),
    (0.0045, 0.0048, 0.0078),
    (0.0079, 0.0139, 0.0167),
    (0.0125, 0.0202, 0.0221),
    (0.0199, 0.0311, 0.0338),
]
TPS = (2, 4, 8)
CALIBRATION_TPS = (2, 8)


def sglang_rows(tps):
    for size, latencies in zip(SIZES, TABLE):
        for n, ms in zip(TPS, latencies):
            if n in tps:
                yield n, size, ms * 1e-3


def aiconfigurator_rows(gpu):
    path = os.path.join(ROOT, "validation/microbenchmarks/aiconfigurator", gpu, "custom_allreduce_float16.csv")
    def rows(tps):
        for r in csv.DictReader(open(path)):
            n, size = int(r["gpus"]), 2 * int(r["elements"])
            if n in tps and size <= MAX_BYTES:
                yield n, size, float(r["latency_us"]) * 1e-6
    return rows


def fit(rows):
    data = list(rows(CALIBRATION_TPS))
    a = np.array([[1.0, n - 1.0, 2 * (n - 1) / n * b] for n, b, _ in data])
    t = np.array([s for _, _, s in data])
    w = 1 / t  # relative error
    coef, *_ = np.linalg.lstsq(a * w[:, None], t * w, rcond=None)
    base, per_peer, inv_bw = coef
    return base, per_peer, 1 / inv_bw


def predict(params, n, b):
    base, per_peer, bw = params
    return base + per_peer * (n - 1) + 2 * (n - 1) / n * b / bw


if __name__ == "__main__":
    gpu = sys.argv[sys.argv.index("--aiconfigurator") + 1] if "--aiconfigurator" in sys.argv else None
    rows = aiconfigurator_rows(gpu) if gpu else sglang_rows
    params = fit(rows)
    base, per_peer, bw = params
    for role, tps in (("calibration", CALIBRATION_TPS), ("held-out", (4,))):
        errs = [abs(predict(params, n, b) / t - 1) for n, b, t in rows(tps)]
        print(f"{role}: {len(errs)} points, mean |error| {100 * np.mean(errs):.1f}%, max {100 * max(errs):.1f}%")
    block = {
        "max_bytes": MAX_BYTES, "max_bytes_two_chips": 2 * MAX_BYTES,
        "base_latency_us": round(base * 1e6, 3),
        "per_peer_latency_us": round(per_peer * 1e6, 3),
        "bandwidth_gb_per_s": round(bw / 1e9, 2),
    }
    print(json.dumps(block, indent=2))
    if gpu and "--write" in sys.argv:
        path = os.path.join(ROOT, "configs/gpus", gpu + ".json")
        hardware = json.load(open(path))
        hardware["calibration"]["low_latency_all_reduce"].update(block)
        open(path, "w").write(json.dumps(hardware, indent=2, ensure_ascii=False) + "\n")
