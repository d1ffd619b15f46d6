#!/usr/bin/env python3
"""Fit the GPU gemm_efficiency curves so the model reproduces the calibration GEMMs.

The measured TFLOPS of square cuBLASLt GEMMs (validation/gemm/*, role "calibration", metric
"tflops"; the aiconfigurator latency cases belong to scripts/fit_gemm_kernels.py) are the data. A curve point is the efficiency the model's compute term needs at that GEMM size; the
model also loses some throughput to tile quantisation, fill/drain and data movement, so the
point is found by fixed-point iteration: efficiency <- efficiency * measured / predicted
(capped at 1), re-running `spusim validate-model` each round. Run from the repository root
after `swift build`:  python3 scripts/fit_gemm_efficiency.py
"""
import json, subprocess

CONFIGS = {"a100": "configs/gpus/a100-sxm-80gb.json", "h100": "configs/gpus/h100-sxm.json", "h200": "configs/gpus/h200.json"}

def run():
    out = subprocess.run([".build/debug/spusim", "validate-model", "--category", "gemm", "--json"], capture_output=True, text=True)
    return json.loads(out.stdout)["cases"]

for round_ in range(8):
    cases = [c for c in run() if c["role"] == "calibration" and c["metric"] == "tflops"]
    worst = 0.0
    for prefix, path in CONFIGS.items():
        config = json.load(open(path))
        curves = config["calibration"]["gemm_efficiency"]
        for case in cases:
            if not case["name"].startswith(prefix + "-"):
                continue
            n = int(case["name"].rsplit("-", 1)[1].split("x")[0])
            gflop = round(2 * n ** 3 / 1e9, 3)
            ratio = case["measured"] / case["predicted"]
            worst = max(worst, abs(ratio - 1))
            # The case's format and its tensor-core twin share a curve (fp16/bf16, fp8-e4m3/e5m2).
            formats = {"fp16": ("fp16", "bf16"), "fp8-e4m3": ("fp8-e4m3", "fp8-e5m2")}[case["name"][len(prefix) + 1:].split("-gemm-")[0]]
            for points in (curves[f] for f in formats if f in curves):
                for point in points:
                    if abs(point[0] - gflop) < 1e-6:
                        point[1] = round(min(1.0, point[1] * ratio), 4)
        open(path, "w").write(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    print(f"round {round_}: worst calibration residual {worst:.2%}")
    if worst < 0.002:
        break
