#!/usr/bin/env python3
"""Fit each GPU's calibration.grouped_gemm (MoE expert kernels) on aiconfigurator MoE layers.

Data: validation/microbenchmarks/aiconfigurator/<gpu>/moe.csv (scripts/extract_aiconfigurator.py):
TensorRT-LLM's fused MoE layer (routing, token permutation, the two grouped GEMMs with the gated
activation, finalize) for a range of token counts, 16-bit and FP8, no expert parallelism, the
near-uniform routing distribution, timed back to back inside a CUDA graph.

The model prices the layer as TransformerGenerator.expertOps emits it (up GEMM, activation, down
GEMM, combine; validation case kind "moe"), with the grouped GEMMs using grouped_gemm's fixed time
F per kernel, weight-streaming fraction f of peak bandwidth, compute fraction c of peak MAC rate
and overlap exponent p (steady time (c^p + d^p)^(1/p) of compute and weight streaming) in place
of the dense GEMM calibration. The parameters minimise the mean |relative error| by coordinate
descent on a grid over Mixtral-8x7B layers (hidden 4096, intermediate 14336, 8 experts, top-2) with
at least MIN_TOKENS tokens, every MoE TP size and both formats; Mixtral-8x22B layers (6144, 16384,
8 experts, top-2) are held out.

Why only coarse-grained MoE with enough tokens: the tables route tokens with a power law
(power_law_1.01), which touches fewer distinct experts than the uniform routing the model assumes
(E(1 - (1 - k/E)^T) experts). With 8 experts and >= 32 tokens every expert is active either way;
with 128-384 experts the two disagree on how many weights are read, so those tables cannot
separate routing from kernel efficiency. Their residuals are printed for information only.

Usage: python3 scripts/fit_moe_kernel.py [--write] [gpu ...]   (default: all four; needs .build/release/spusim)
"""
import collections, csv, json, os, sys
from spusim_fit import ROOT, predict, summarize

DATA = os.path.join(ROOT, "validation/microbenchmarks/aiconfigurator")
GPUS = ["a100-sxm-80gb", "h100-sxm", "h200", "b200"]
CALIBRATION_SHAPE = (4096, 14336, 8, 2)
HELD_OUT_SHAPE = (6144, 16384, 8, 2)
MIN_TOKENS = 32
FORMATS = {"float16": "bf16", "fp8": "fp8-e4m3"}
GRID = {
    "fixed_us": [0, 2, 4, 6, 8, 10, 12, 15, 20, 25, 30, 40],
    "offchip_bandwidth_fraction": [round(0.25 + 0.05 * i, 2) for i in range(15)],
    "compute_fraction": [round(0.1 + 0.05 * i, 2) for i in range(17)],
    "overlap_exponent": [1, 1.25, 1.5, 2, 2.5, 3, 4, 6, 10],
}


def shape(c):
    m = c["case"]["moe"]
    return m["hidden"], m["intermediate"], m["experts"], m["top_k"]


def cases(gpu):
    for r in csv.DictReader(open(os.path.join(DATA, gpu, "moe.csv"))):
        t, h, i, k, e, tp = (int(r[x]) for x in ("tokens", "hidden", "intermediate", "top_k", "experts", "tp"))
        if i % tp:
            continue
        c = {"name": f"{gpu}-moe-{r['dtype']}-t{t}-h{h}-i{i}-e{e}-k{k}-tp{tp}", "category": "moe",
             "case": {"moe": {"tokens": t, "hidden": h, "intermediate": i, "experts": e, "top_k": k, "tensor_parallel": tp,
                              "format": FORMATS[r["dtype"]]}},
             "metric": "latency_s", "timing": "cuda-graph", "measured": float(r["latency_us"]) * 1e-6, "source": "aiconfigurator"}
        c["use"] = {CALIBRATION_SHAPE: "calibration", HELD_OUT_SHAPE: "held-out"}.get(shape(c), "information") if t >= MIN_TOKENS else "information"
        c["role"] = "calibration" if c["use"] == "calibration" else "held-out"
        yield c


def mean_abs_error(hardware, chosen):
    p = predict(hardware, chosen)
    return sum(abs(p[c["name"]] / c["measured"] - 1) for c in chosen) / len(chosen)


def fit(gpu):
    path = os.path.join(ROOT, "configs/gpus", gpu + ".json")
    hardware = json.load(open(path))
    all_cases = list(cases(gpu))
    calibration = [c for c in all_cases if c["use"] == "calibration"]
    block = {"fixed_us": 10, "offchip_bandwidth_fraction": 0.7, "compute_fraction": 0.5, "overlap_exponent": 10}
    trial = json.loads(json.dumps(hardware))
    for _ in range(3):
        for key, values in GRID.items():
            scores = {}
            for v in values:
                trial["calibration"]["grouped_gemm"] = dict(block, source="fit_moe_kernel.py trial", **{key: v})
                scores[v] = mean_abs_error(trial, calibration)
            block[key] = min(scores, key=scores.get)
    trial["calibration"]["grouped_gemm"] = dict(block, source="fit_moe_kernel.py trial")
    fitted = predict(trial, all_cases)
    without = json.loads(json.dumps(hardware))
    without["calibration"].pop("grouped_gemm", None)
    dense = predict(without, all_cases)
    print(f"{gpu}: grouped_gemm {json.dumps(block)}")
    for role in ("calibration", "held-out", "information"):
        chosen = [c for c in all_cases if c["use"] == role]
        summarize(f"  {role}", [fitted[c["name"]] / c["measured"] - 1 for c in chosen])
        summarize(f"  {role} with the dense GEMM calibration", [dense[c["name"]] / c["measured"] - 1 for c in chosen])
        by_shape = collections.defaultdict(list)
        for c in chosen:
            by_shape[shape(c)].append(fitted[c["name"]] / c["measured"] - 1)
        for s, errors in sorted(by_shape.items()):
            summarize(f"    hidden {s[0]}, intermediate {s[1]}, {s[2]} experts, top-{s[3]}", errors)
    if "--write" in sys.argv:
        hardware["calibration"]["grouped_gemm"] = dict(block, source=hardware["calibration"].get("grouped_gemm", {}).get("source", "see scripts/fit_moe_kernel.py"))
        calibration_block = hardware["calibration"]
        source = calibration_block.pop("source")
        calibration_block["source"] = source
        open(path, "w").write(json.dumps(hardware, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    for gpu in [a for a in sys.argv[1:] if a != "--write"] or GPUS:
        fit(gpu)
