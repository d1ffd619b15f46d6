"""Fits what serving engines add to each iteration (configs/serving/engines.json) to measured decode
step times: engine time = measured step - the model's kernel time for the same step, as

    per_iteration_s + per_sequence_s x batch      (form "host": two or more batch sizes, least squares)
    per_layer_s x decoder layers                  (form "layer": one point)

The kernel time of each point is the model's own (spusim validate-model on a transformer decode case,
no engine), so the fit measures what the model leaves out. The form of each engine follows its data:
vLLM 0.11 (V1) has two batch sizes of one model and a gap that grows with the batch (host work per
sequence); vLLM 0.6 and NIM show a gap that grows with the model's depth (the vLLM 0.6 build's 8B and 70B
rows: 1.59 ms over 32 layers and 3.8 ms over 80, about 49 µs per layer each), the mark of kernels and
launch gaps per layer that the op trace does not list.

    swift build -c release --product spusim && python3 scripts/fit_engine_overhead.py

Calibration points (each also a validation case, marked role "calibration" there; the engine's other
cases are held out):
- vllm-0.11: ML.ENERGY leaderboard v3, vLLM 0.11.1, Llama-3.1-8B-Instruct bf16 on one H100, median ITL
  7.316 ms at running batch 8 and 11.5 ms at batch 64 (validation/serving-energy/h100-llama-3-8b-bf16-tp1-b{8,64}-
  mlenergy-energy.json; validation/serving/data.jsonl ids mlenergy-vllm0111-h100-8b-b{8,64}-itl).
- vllm-0.6: vLLM nightly performance benchmark build 9515 (autumn 2024, version not on the page), Llama-3.1-8B
  bf16 on one H200, batch 8, 32 in / 128 out: 6.511 ms per step (validation/end-to-end/h200-llama-3-8b-bf16-tp1-decode-b8.json).
- nim-1.8: NVIDIA NIM 1.8.0, Llama-3.3-70B fp8 TP2 on two H100, concurrency 1: ITL 18.91 ms
  (validation/end-to-end/h100-llama-3-70b-fp8-tp2-decode-b1.json).
"""
import json, os
from spusim_fit import ROOT, predict

FORMS = {"vllm-0.11": "host", "vllm-0.6": "layer", "nim-1.8": "layer"}
LAYERS = {"llama-3-8b": 32, "llama-3-70b": 80}
POINTS = {
    "vllm-0.11": [("configs/gpus/h100-sxm.json", "llama-3-8b", 1, 8, 394, "bf16", 0.007316),
                  ("configs/gpus/h100-sxm.json", "llama-3-8b", 1, 64, 398, "bf16", 0.0115)],
    "vllm-0.6": [("configs/gpus/h200.json", "llama-3-8b", 1, 8, 96, "bf16", 0.006511)],
    "nim-1.8": [("configs/gpus/h100-sxm.json", "llama-3-70b", 2, 1, 1500, "fp8-e4m3", 0.01891)],
}


def kernel_seconds(hardware, model, tp, batch, context, fmt):
    case = {"name": "point", "category": "end-to-end", "role": "held-out", "metric": "latency_s", "measured": 1, "source": "fit",
            "case": {"transformer": {"model": os.path.join(ROOT, "workloads/models", model + ".json"), "phase": "decode",
                                     "batch": batch, "context": context, "tensor_parallel": tp, "format": fmt}}}
    return predict(json.load(open(os.path.join(ROOT, hardware))), [case])["point"]


for engine, points in POINTS.items():
    rows = [(batch, measured - kernel_seconds(hw, model, tp, batch, ctx, fmt), measured) for hw, model, tp, batch, ctx, fmt, measured in points]
    if FORMS[engine] == "layer":
        layers = LAYERS[points[0][1]]
        print(f"{engine}: per_layer_s {rows[0][1] / layers:.8f} ({layers} layers)  "
              + "; ".join(f"batch {b}: engine {1e3 * h:.3f} ms of {1e3 * m:.3f} ms" for b, h, m in rows))
        continue
    if len(rows) == 1:
        per_iteration, per_sequence = rows[0][1], 0.0
    else:
        n = len(rows)
        mean_b = sum(b for b, _, _ in rows) / n
        mean_h = sum(h for _, h, _ in rows) / n
        per_sequence = sum((b - mean_b) * (h - mean_h) for b, h, _ in rows) / sum((b - mean_b) ** 2 for b, _, _ in rows)
        per_iteration = mean_h - per_sequence * mean_b
    print(f"{engine}: per_iteration_s {per_iteration:.6f}, per_sequence_s {per_sequence:.7f}  "
          + "; ".join(f"batch {b}: host {1e3 * h:.3f} ms of {1e3 * m:.3f} ms" for b, h, m in rows))
