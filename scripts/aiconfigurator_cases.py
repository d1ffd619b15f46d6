#!/usr/bin/env python3
"""Write the validation cases drawn from the aiconfigurator microbenchmark tables.

The fit scripts use every row of validation/microbenchmarks/aiconfigurator/<gpu>/*.csv; this script
writes a fixed, representative subset as validation/<category>/*.json so that `spusim validate-model`
(and CI) checks them. The subset was chosen by shape before looking at the model's errors:
  gemm:       m = 8 square weights n = k in {1024, 4096, 16384} (calibration); LLM layer shapes
              (6144 x 4096, 8192 x 3584, 7168 x 8192) at m in {1, 8, 64, 512} (held out);
  collective: 128 KiB at TP=2 and TP=8 (calibration); 16 KiB, 128 KiB, 1 MiB and 4 MiB at TP=4 (held out);
  moe:        Mixtral-8x7B layers of 64 and 512 tokens at TP=2, 16-bit (calibration); Mixtral-8x22B
              layers of 64/1024 tokens at TP=2, 256 at TP=4 and 4096 at TP=8, 16-bit and FP8 (held out).
Rows missing from a GPU's table are skipped.

Usage: python3 scripts/aiconfigurator_cases.py
"""
import csv, json, os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "validation/microbenchmarks/aiconfigurator")
GPUS = {  # SPUSim config -> (case prefix, TensorRT-LLM database directory in the aiconfigurator wheel)
    "a100-sxm-80gb": ("a100", "a100_sxm/trtllm/1.0.0"),
    "h100-sxm": ("h100", "h100_sxm/trtllm/1.0.0rc3"),
    "h200": ("h200", "h200_sxm/trtllm/1.0.0rc3"),
    "b200": ("b200", "b200_sxm/trtllm/1.0.0rc6"),
}
ORIGIN = "NVIDIA aiconfigurator (https://github.com/ai-dynamo/aiconfigurator, PyPI wheel 0.4.0, systems/data/{dir}/{table}"
LLM_SHAPES = {(6144, 4096): "Llama-3-8B qkv projection", (8192, 3584): "Llama-2/3-70B MLP down projection at TP=8",
              (7168, 8192): "Llama-2/3-70B MLP up projection at TP=8"}
MOE_MODELS = {(4096, 14336): "Mixtral-8x7B", (6144, 16384): "Mixtral-8x22B"}
FORMATS = {"float16": "bf16", "fp8": "fp8-e4m3"}


def write(category, case):
    folder = os.path.join(ROOT, "validation", category)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, case["name"] + ".json"), "w") as f:
        f.write(json.dumps(case, indent=2, ensure_ascii=False) + "\n")


def table(gpu, name):
    return list(csv.DictReader(open(os.path.join(DATA, gpu, name))))


def gemm_cases(gpu, prefix, directory):
    rows = {(int(r["m"]), int(r["n"]), int(r["k"])): float(r["latency_us"]) for r in table(gpu, "gemm_float16.csv")}
    chosen = [("calibration", (8, s, s)) for s in (1024, 4096, 16384)]
    chosen += [("held-out", (m, n, k)) for (n, k) in LLM_SHAPES for m in (1, 8, 64, 512)]
    for role, (m, n, k) in chosen:
        us = rows[(m, n, k)]
        why = ("Calibration: a square small-batch GEMM of the kind scripts/fit_gemm_kernels.py fits kernel_launch_overhead_us and "
               "gemm_offchip_efficiency on." if role == "calibration" else
               f"Held out: not a square shape, and m > 16 shapes are not used by any fit; an LLM layer shape ({LLM_SHAPES[(n, k)]}).")
        write("gemm", {
            "name": f"{gpu}-bf16-gemm-{m}x{n}x{k}-cuda-graph", "category": "gemm", "role": role, "hardware": f"configs/gpus/{gpu}.json",
            "case": {"gemm": {"m": m, "n": n, "k": k, "format": "bf16"}}, "metric": "latency_s", "timing": "cuda-graph",
            "measured": float(f"{us * 1e-6:.4g}"),
            "source": ORIGIN.format(dir=directory, table="gemm_perf.txt") + f", row gemm_dtype float16, m={m} n={n} k={k}: {us:.4g} us; extracted to "
                      f"validation/microbenchmarks/aiconfigurator/{gpu}/gemm_float16.csv). TensorRT-LLM Linear layers captured in a CUDA graph and "
                      f"replayed back to back (collector/helper.py benchmark_with_power), so the time includes the per-kernel gap. " + why})


def allreduce_cases(gpu, prefix, directory):
    rows = {(int(r["gpus"]), 2 * int(r["elements"])): float(r["latency_us"]) for r in table(gpu, "custom_allreduce_float16.csv")}
    chosen = [("calibration", (n, 131072)) for n in (2, 8)] + [("held-out", (4, b)) for b in (16384, 131072, 1048576, 4194304)]
    for role, (n, b) in chosen:
        us = rows[(n, b)]
        label = f"{b // 1024}K" if b < 2**20 else f"{b // 2**20}M"
        write("collective", {
            "name": f"{prefix}-trtllm-allreduce-tp{n}-{label}", "category": "collective", "role": role, "hardware": f"configs/gpus/{gpu}.json",
            "case": {"all_reduce": {"bytes": b, "devices": n, "algorithm": "auto"}}, "metric": "latency_s", "measured": float(f"{us * 1e-6:.4g}"),
            "source": ORIGIN.format(dir=directory, table="custom_allreduce_perf.txt")
                      + f", TensorRT-LLM custom all-reduce, row float16, num_gpus {n}, message_size {b // 2} elements = {b} bytes: {us:.4g} us; extracted to "
                      f"validation/microbenchmarks/aiconfigurator/{gpu}/custom_allreduce_float16.csv), timed back to back inside a CUDA graph. "
                      + ("Calibration: scripts/fit_low_latency_allreduce.py fits on the TP=2 and TP=8 rows." if role == "calibration"
                         else "Held out: the fit uses the TP=2 and TP=8 rows only.")})


def moe_cases(gpu, prefix, directory):
    rows = {(r["dtype"], int(r["tokens"]), int(r["hidden"]), int(r["intermediate"]), int(r["experts"]), int(r["top_k"]), int(r["tp"])):
            float(r["latency_us"]) for r in table(gpu, "moe.csv")}
    chosen = [("calibration", ("float16", t, 4096, 14336, 2)) for t in (64, 512)]
    chosen += [("held-out", (dtype, t, 6144, 16384, tp)) for dtype in FORMATS for (t, tp) in ((64, 2), (256, 4), (1024, 2), (4096, 8))]
    for role, (dtype, t, h, i, tp) in chosen:
        key = (dtype, t, h, i, 8, 2, tp)
        if key not in rows:
            continue
        us, model, fmt = rows[key], MOE_MODELS[(h, i)], FORMATS[dtype]
        write("moe", {
            "name": f"{prefix}-moe-{model.lower()}-{fmt}-t{t}-tp{tp}", "category": "moe", "role": role, "hardware": f"configs/gpus/{gpu}.json",
            "case": {"moe": {"tokens": t, "hidden": h, "intermediate": i, "experts": 8, "top_k": 2, "tensor_parallel": tp, "format": fmt}},
            "metric": "latency_s", "timing": "cuda-graph", "measured": float(f"{us * 1e-6:.4g}"),
            "source": ORIGIN.format(dir=directory, table="moe_perf.txt")
                      + f", TensorRT-LLM fused MoE layer, row moe_dtype {dtype}, num_tokens {t}, hidden_size {h}, inter_size {i}, topk 2, num_experts 8, "
                      f"moe_tp_size {tp}, moe_ep_size 1, power_law_1.01: {us:.4g} us; extracted to validation/microbenchmarks/aiconfigurator/{gpu}/moe.csv), "
                      f"timed inside a CUDA graph; a {model} layer. "
                      + ("Calibration: scripts/fit_moe_kernel.py fits grouped_gemm on Mixtral-8x7B layers." if role == "calibration"
                         else "Held out: the fit uses Mixtral-8x7B layers only.")})


if __name__ == "__main__":
    for gpu, (prefix, directory) in GPUS.items():
        gemm_cases(gpu, prefix, directory)
        allreduce_cases(gpu, prefix, directory)
        moe_cases(gpu, prefix, directory)
