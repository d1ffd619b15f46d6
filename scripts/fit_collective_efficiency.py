#!/usr/bin/env python3
"""Fit the GPU collective_efficiency curves so the ring model reproduces NCCL all-reduce.

Data: validation/collective/* with role "calibration" and metric bus_gb_per_s (A100 and H100 NCCL bus bandwidth by
message size). Each point is the fraction of link bandwidth the model's transfer term needs
at that size; found by fixed-point iteration on the model itself (latency terms are not
counted twice). H200 copies H100's curve (same NVLink 4 / NVSwitch system), so its cases stay
held out. Run from the repository root after `swift build`.
"""
import json, subprocess

CONFIGS = {"a100": ["configs/gpus/a100-sxm-80gb.json"], "h100": ["configs/gpus/h100-sxm.json", "configs/gpus/h200.json"]}
SIZES = {"8G": 8 * 2**30, "1G": 2**30, "67M": 67108864, "16M": 16777216, "1M": 2**20}

for round_ in range(12):
    out = subprocess.run([".build/debug/spusim", "validate-model", "--category", "collective", "--json"], capture_output=True, text=True)
    cases = [c for c in json.loads(out.stdout)["cases"] if c["role"] == "calibration" and c["metric"] == "bus_gb_per_s"]
    worst = 0.0
    for prefix, paths in CONFIGS.items():
        configs = [json.load(open(p)) for p in paths]
        for case in cases:
            if not case["name"].startswith(prefix + "-"):
                continue
            size = SIZES[case["name"].rsplit("-", 1)[1]]
            ratio = case["measured"] / case["predicted"]
            worst = max(worst, abs(ratio - 1))
            for config in configs:
                for point in config["calibration"]["collective_efficiency"]:
                    if point[0] == size:
                        point[1] = round(min(1.0, point[1] * ratio), 4)
        for path, config in zip(paths, configs):
            open(path, "w").write(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    print(f"round {round_}: worst calibration residual {worst:.2%}")
    if worst < 0.002:
        break
