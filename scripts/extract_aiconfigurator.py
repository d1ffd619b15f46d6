#!/usr/bin/env python3
"""Extract the kernel microbenchmark tables SPUSim calibrates on from NVIDIA's aiconfigurator.

aiconfigurator (https://github.com/ai-dynamo/aiconfigurator, Apache-2.0) ships per-GPU databases
of measured kernel latencies collected on real hardware with its `collector/` scripts: each kernel
is captured in a CUDA graph and replayed back to back (collector/helper.py, benchmark_with_power),
so a row is the mean GPU time per kernel as a serving stack running CUDA graphs sees it, including
the gap between kernels. In the GitHub repository the tables are Git LFS objects; the PyPI wheel of
version 0.4.0 still bundles them, so this script downloads that wheel (sha256 pinned), reads the
tables listed in TABLES and writes compact CSVs (latency in microseconds) to
validation/microbenchmarks/aiconfigurator/<gpu>/.

Usage: python3 scripts/extract_aiconfigurator.py [--wheel PATH]   (needs pip and network for the download)
"""
import argparse, csv, hashlib, io, os, subprocess, sys, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "validation/microbenchmarks/aiconfigurator")
WHEEL = "aiconfigurator-0.4.0-py3-none-any.whl"
WHEEL_SHA256 = "e3caf07875d96e953e51140c2b6b4911f2787b509d912ad396b43a2cb8243729"
DATA = "aiconfigurator/systems/data/"

# SPUSim GPU name -> the TensorRT-LLM database directory in the wheel.
GPUS = {
    "a100-sxm-80gb": "a100_sxm/trtllm/1.0.0",
    "h100-sxm": "h100_sxm/trtllm/1.0.0rc3",
    "h200": "h200_sxm/trtllm/1.0.0rc3",
    "b200": "b200_sxm/trtllm/1.0.0rc6",
}


def gemm(rows):
    """Dense 16-bit GEMMs (TensorRT-LLM Linear, bf16 activations): m, n, k, latency."""
    for r in rows:
        if r["gemm_dtype"] == "float16":
            yield {"m": r["m"], "n": r["n"], "k": r["k"], "latency_us": us(r["latency"])}


def custom_allreduce(rows):
    """TensorRT-LLM custom all-reduce, 16-bit elements: GPUs, message elements, latency."""
    for r in rows:
        if r["allreduce_dtype"] == "float16":
            yield {"gpus": r["num_gpus"], "elements": r["message_size"], "latency_us": us(r["latency"])}


def moe(rows):
    """TensorRT-LLM fused MoE layer, no expert parallelism, the near-uniform routing
    (power_law_1.01): dtype, tokens, hidden, intermediate, top-k, experts, MoE TP, latency."""
    for r in rows:
        if r["moe_ep_size"] == "1" and r["distribution"] == "power_law_1.01" and r["moe_dtype"] in ("float16", "fp8"):
            yield {"dtype": r["moe_dtype"], "tokens": r["num_tokens"], "hidden": r["hidden_size"], "intermediate": r["inter_size"],
                   "top_k": r["topk"], "experts": r["num_experts"], "tp": r["moe_tp_size"], "latency_us": us(r["latency"])}


TABLES = {
    "gemm_perf.txt": ("gemm_float16.csv", gemm),
    "custom_allreduce_perf.txt": ("custom_allreduce_float16.csv", custom_allreduce),
    "moe_perf.txt": ("moe.csv", moe),
}


def us(ms):
    return f"{float(ms) * 1000:.4g}"


def fetch_wheel(directory):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", directory,
                    "aiconfigurator==0.4.0"], check=True)
    return os.path.join(directory, WHEEL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="an already downloaded " + WHEEL)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.wheel or fetch_wheel(tmp)
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest != WHEEL_SHA256:
            sys.exit(f"{path}: sha256 {digest} is not the pinned {WHEEL_SHA256}")
        wheel = zipfile.ZipFile(path)
        for gpu, directory in GPUS.items():
            os.makedirs(os.path.join(OUT, gpu), exist_ok=True)
            for table, (name, select) in TABLES.items():
                text = wheel.read(DATA + directory + "/" + table).decode()
                rows = list(select(csv.DictReader(io.StringIO(text))))
                out = os.path.join(OUT, gpu, name)
                with open(out, "w", newline="") as f:
                    writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
                    writer.writeheader()
                    writer.writerows(rows)
                print(f"{os.path.relpath(out, ROOT)}: {len(rows)} rows from {directory}/{table}")
        license_text = next(n for n in wheel.namelist() if n.endswith("LICENSE"))
        open(os.path.join(OUT, "LICENSE"), "wb").write(wheel.read(license_text))


if __name__ == "__main__":
    main()
