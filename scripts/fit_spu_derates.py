#!/usr/bin/env python3
"""Fit the SPU-side derates (calibration block) on measured spatial-chip (TPU v5e) data.

The same method as the GPU calibrations: each value is what the model itself needs to reproduce a
measurement, found by fixed-point iteration on the model (scripts/spusim_fit.py and `spusim run`),
so the model's own fill/drain, tiling and latency terms are not counted twice.

Data (both on Google TPU v5e, configs/reference-chips/tpu-v5e.json):
- compute_fraction: XLA bf16 matmuls timed in the JAX Pallas TPU matmul guide (jax-ml/jax,
  docs/pallas/tpu/matmul.ipynb, 'XLA matmul' cell, TPU v5e at 197 TFLOP/s peak): 8192^3 in
  6.047 ms (92.3% of peak), 4096^3 in 0.827 ms (84.3%), 1024^3 in 0.119 ms (9.1%). The times are
  timeit means of a jitted call, so they include Python dispatch (the guide says so). The fit uses
  8192^3, where dispatch is about 1% of the time; 4096^3 is held out (validation/gemm/), 1024^3 is
  dispatch-dominated and only printed.
- collective_efficiency and kernel_launch_overhead_us: the all-gather profiles of the JAX scaling
  book (jax-ml/scaling-book sharding.md, 'Pop Quiz 2'): AllGather over a 4-chip axis without
  wraparound (one ICI link per direction, 4.5e10 B/s one-way; ~1 us per hop) of a 32 MiB bf16
  array in 680 us (theory 560 us), and of a 128 KiB array in about 8 us ('in practice, it's closer
  to 8us'; theory 3 hops x 1 us). The trial device has one chip link (that axis) at 45 GB/s and
  1 us per hop. The large gather sets the link efficiency (one point: a one-point curve is a
  constant fraction); the small one, with that efficiency, sets the per-op overhead.

Usage (repository root, after `swift build -c release --product spusim`):
  python3 scripts/fit_spu_derates.py           print the fit and the held-out checks
  python3 scripts/fit_spu_derates.py --write   store the values in configs/chips/spu-*.json and
                                       configs/reference-chips/ (calibration block)
Stdlib only.
"""
import copy, glob, json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spusim_fit import predict, DEFAULT_SPUSIM, ROOT  # noqa: E402

V5E = os.path.join(ROOT, "configs/reference-chips/tpu-v5e.json")
PEAK_V5E = 197e12
GEMMS = {8192: 0.006047147869830951, 4096: 0.0008272899803705514, 1024: 0.00011943008983507753}  # seconds
FIT_GEMM = 8192
ALL_GATHERS = {33554432: 680e-6, 131072: 8e-6}  # total bytes of the gathered bf16 array -> seconds
LARGE, SMALL = 33554432, 131072
GEMM_SOURCE = "JAX Pallas TPU matmul guide, XLA matmul on TPU v5e (jax-ml/jax docs/pallas/tpu/matmul.ipynb)"
GATHER_SOURCE = "JAX scaling book, sharding.md 'Pop Quiz 2' profiles on TPU v5e (jax-ml/scaling-book)"


def gemm_case(n, role="calibration"):
    return {"name": f"tpu-v5e-bf16-gemm-{n}", "category": "gemm", "role": role,
            "case": {"gemm": {"m": n, "n": n, "k": n, "format": "bf16"}}, "metric": "latency_s",
            "measured": GEMMS[n], "source": GEMM_SOURCE}


def all_gather_seconds(hardware, total_bytes):
    """Model time of a ring all-gather of a bf16 array of `total_bytes` over 4 chips."""
    side = int((total_bytes // 2) ** 0.5)
    trace = {"format_version": 1, "name": "all-gather", "phase": "other", "devices": 4,
             "throughput": {"unit": "ops", "per_iteration": 1},
             "ops": [{"name": "ag", "kind": "all-gather", "einsum": "ef->ef", "dims": {"e": side, "f": side},
                      "inputs": [{"format": "bf16"}], "output": {"format": "bf16"}, "group": 4, "algorithm": "ring"}]}
    assert side * side * 2 == total_bytes
    with tempfile.TemporaryDirectory() as tmp:
        hw, wl = os.path.join(tmp, "hw.json"), os.path.join(tmp, "wl.json")
        json.dump(hardware, open(hw, "w"))
        json.dump(trace, open(wl, "w"))
        run = subprocess.run([DEFAULT_SPUSIM, "run", "--no-store", "--json", "--arch", hw, "--workload", wl],
                             capture_output=True, text=True, cwd=ROOT)
        if not run.stdout:
            raise SystemExit(run.stderr)
    result = json.loads(run.stdout)
    if result["throttle_factor"] != 1:
        raise SystemExit(f"the trial device throttles on the all-gather (throttle {result['throttle_factor']}): raise its tdp_w")
    return result["latency_s"]


def fit():
    base = json.load(open(V5E))
    trial = copy.deepcopy(base)
    cal = trial["calibration"]
    cal.update(compute_fraction=1.0, kernel_launch_overhead_us=0.0, collective_efficiency=[[LARGE, 1.0]])
    # compute_fraction: fixed point on the 8192^3 GEMM (compute-bound: latency ~ 1 / fraction).
    for _ in range(30):
        predicted = predict(trial, [gemm_case(FIT_GEMM)])[f"tpu-v5e-bf16-gemm-{FIT_GEMM}"]
        ratio = predicted / GEMMS[FIT_GEMM]
        cal["compute_fraction"] = min(1.0, cal["compute_fraction"] * ratio)
        if abs(ratio - 1) < 1e-5:
            break
    # Link efficiency (large gather) and per-op overhead (small gather), alternately.
    axis = copy.deepcopy(trial)
    axis["chip_links"].update(count=1, bandwidth_gb_per_s_per_direction=45, latency_us=1.0)
    acal = axis["calibration"]
    for _ in range(30):
        large = all_gather_seconds(axis, LARGE)
        fixed = acal["kernel_launch_overhead_us"] * 1e-6 + 3 * 1e-6
        efficiency = acal["collective_efficiency"][0][1] * (large - fixed) / (ALL_GATHERS[LARGE] - fixed)
        acal["collective_efficiency"] = [[LARGE, min(1.0, efficiency)]]
        small = all_gather_seconds(axis, SMALL)
        acal["kernel_launch_overhead_us"] = max(0.0, acal["kernel_launch_overhead_us"] + (ALL_GATHERS[SMALL] - small) * 1e6)
        if abs(large / ALL_GATHERS[LARGE] - 1) < 1e-4 and abs(small - ALL_GATHERS[SMALL]) < 1e-9:
            break
    values = {"compute_fraction": round(cal["compute_fraction"], 4),
              "kernel_launch_overhead_us": round(acal["kernel_launch_overhead_us"], 2),
              "collective_efficiency": [[LARGE, round(acal["collective_efficiency"][0][1], 4)]]}
    return base, values


def report(base, values):
    trial = copy.deepcopy(base)
    trial["calibration"].update(values)
    cases = [gemm_case(n) for n in GEMMS]
    predicted = predict(trial, cases)
    print(f"compute_fraction {values['compute_fraction']}, kernel_launch_overhead_us {values['kernel_launch_overhead_us']}, "
          f"collective_efficiency {values['collective_efficiency']}\n")
    print("TPU v5e bf16 GEMMs (kernel timing: no per-op overhead; the measurements include Python dispatch):")
    for n, measured in GEMMS.items():
        p = predicted[f"tpu-v5e-bf16-gemm-{n}"]
        role = "fit" if n == FIT_GEMM else "held out"
        print(f"  {n:5d}^3  measured {measured * 1e6:8.1f} us ({2 * n ** 3 / measured / PEAK_V5E:5.1%} of peak)  "
              f"model {p * 1e6:8.1f} us  error {p / measured - 1:+6.1%}  gap {1e6 * (measured - p):6.1f} us  [{role}]")
    axis = copy.deepcopy(trial)
    axis["chip_links"].update(count=1, bandwidth_gb_per_s_per_direction=45, latency_us=1.0)
    print("\nTPU v5e all-gather over a 4-chip axis (1 ICI link per direction, 45 GB/s, 1 us per hop):")
    for size, measured in ALL_GATHERS.items():
        p = all_gather_seconds(axis, size)
        print(f"  {size:9d} B  measured {measured * 1e6:6.1f} us  model {p * 1e6:6.1f} us  error {p / measured - 1:+6.1%}")


def write(values):
    cal_text = (f"compute_fraction {values['compute_fraction']}, kernel_launch_overhead_us "
                f"{values['kernel_launch_overhead_us']} and collective_efficiency: the SPU derates, fitted by "
                "scripts/fit_spu_derates.py on measured TPU v5e data with the method of the GPU calibrations (the value the "
                "model itself needs to reproduce each measurement): compute_fraction reproduces XLA's bf16 8192^3 matmul "
                "(6.047 ms, 92.3% of the 197 TFLOP/s peak; jax-ml/jax docs/pallas/tpu/matmul.ipynb, timed with Python "
                "dispatch, so a lower bound by about 1%); collective_efficiency (one point, i.e. a constant fraction of "
                "link bandwidth) reproduces a 32 MiB all-gather over a 4-chip ICI axis in 680 us, and "
                "kernel_launch_overhead_us the 128 KiB one in about 8 us, with 1 us per hop (jax-ml/scaling-book "
                "sharding.md, Pop Quiz 2 profiles); docs/validation.md, 'Spatial chips'. Thin data: one chip, one GEMM "
                "size, two collective sizes; no spatial chip publishes a per-op overhead inside a compiled program.")
    paths = sorted(glob.glob(os.path.join(ROOT, "configs/chips/spu-*.json")) + glob.glob(os.path.join(ROOT, "configs/reference-chips/*.json"))
                   + glob.glob(os.path.join(ROOT, "configs/reference-chips/excluded/*.json")))
    for path in paths:
        config = json.load(open(path))
        cal = config["calibration"]
        old = cal.get("source", "")
        offchip = old[old.find("offchip_bandwidth_fraction"):] if "offchip_bandwidth_fraction" in old and "placeholder" not in old else \
            "offchip_bandwidth_fraction 0.9: assumption, typical HBM/DRAM controller efficiency, cf. measured GPU STREAM/peak 0.79-0.95 " \
            "(shared/reference/hardware-and-tco-data.md section 2.3)."
        offchip = offchip.split(" kernel_launch_overhead_us")[0].strip()
        cal.update(values)
        cal["source"] = cal_text + " " + offchip
        # Keep the key order of the schema: compute_fraction, offchip..., kernel..., collective..., source.
        config["calibration"] = {k: cal[k] for k in ["compute_fraction", "offchip_bandwidth_fraction", "kernel_launch_overhead_us",
                                                     "collective_efficiency", "source"]}
        open(path, "w").write(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {os.path.relpath(path, ROOT)}")


def main():
    base, values = fit()
    report(base, values)
    if "--write" in sys.argv[1:]:
        write(values)


if __name__ == "__main__":
    main()
