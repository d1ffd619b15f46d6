#!/usr/bin/env python3
"""Speed (and agreement) comparison of SPUSim against peer simulators.

Run through ``bash benchmarks/peers/run.sh`` (which builds SPUSim, creates the
private venv and installs the peers); this file uses only the standard library
plus the peers themselves, imported lazily:

  * SCALE-Sim 3.0.0 (cycle-by-cycle systolic-array simulator): the same GEMMs,
    array sizes and dataflows, same configuration as
    ``scripts/scalesim_reference.py`` (whose ``run_one`` is reused verbatim:
    64 MiB SRAMs, InterfaceBandwidth = CALC, stall-free).  Compared: compute
    cycles (SPUSim op ``compute_cycles``) and wall-clock time.
  * llm-analysis (analytical LLM latency model): Llama-2 decode steps on
    A100 / H100.  Compared: latency per decode step and wall-clock time.
  * ZigZag (optional; analytical DSE with mapping search, run from its own
    venv because it needs numpy 2): wall-clock time for the same GEMMs on its
    shipped ``tpu_like`` 32x32 weight-stationary accelerator.  Its cycle counts
    come from a different accelerator/memory model and are listed for context
    only.

Writes benchmarks/peers/out/results.json and benchmarks/peers/out/results.md
and prints the tables.

Usage (from anywhere; paths are resolved from this file):
    .venv/bin/python compare.py [--quick] [--max-seconds S] [--skip-scalesim]
                                [--skip-llm] [--zigzag-python PATH] [--repeats N]
"""

import argparse
import copy
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
WORK = os.path.join(OUT, "work")
SPUSIM = os.path.join(REPO, ".build", "release", "spusim")
SPUSIM_BENCH = os.path.join(REPO, ".build", "release", "spusim-bench")
BASE_CHIP = os.path.join(REPO, "configs", "chips", "spu-edge-inference.json")

# (m, n, k) with C[m,n] = sum_k A[m,k] B[k,n]; SCALE-Sim row "Layer, M, N, K," with M=m, N=n, K=k.
GEMMS_32 = [
    (128, 128, 128), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024),
    (8, 4096, 4096), (512, 2048, 512), (2048, 128, 64), (384, 384, 64),
    (4, 1000, 2048), (100, 300, 200),
]
GEMMS_128 = [
    (128, 128, 128), (512, 512, 512), (1024, 1024, 1024), (2048, 128, 64),
    (384, 384, 64), (4, 1000, 2048),
]
ARRAYS = [(32, GEMMS_32), (128, GEMMS_128)]
DATAFLOWS = [("os", "output-stationary"), ("ws", "weight-stationary"), ("is", "input-stationary")]

# (label, SPUSim model file, llm-analysis model name, SPUSim GPU config, llm-analysis GPU, batch, TP)
LLM_CASES = [
    ("Llama-2-7B decode, A100-SXM-80GB, b1, TP1", "llama-2-7b.json", "NousResearch_Llama-2-7b-hf",
     "a100-sxm-80gb.json", "a100-sxm-80gb", 1, 1),
    ("Llama-2-7B decode, A100-SXM-80GB, b8, TP1", "llama-2-7b.json", "NousResearch_Llama-2-7b-hf",
     "a100-sxm-80gb.json", "a100-sxm-80gb", 8, 1),
    ("Llama-2-70B decode, H100-SXM, b1, TP8", "llama-2-70b.json", "upstage_Llama-2-70b-instruct-v2",
     "h100-sxm.json", "h100-sxm-80gb", 1, 8),
    ("Llama-2-70B decode, H100-SXM, b8, TP8", "llama-2-70b.json", "upstage_Llama-2-70b-instruct-v2",
     "h100-sxm.json", "h100-sxm-80gb", 8, 8),
]
CONTEXT = 512  # tokens in the KV cache at the decode step
MARGINAL_COPIES = 500  # SPUSim marginal cost: one trace with this many copies of the GEMM


def log(*a):
    print(*a, flush=True)


def timed_run(cmd, cwd=REPO):
    """Run a command, return (stdout, seconds) -- wall-clock incl. process start."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return p.stdout, dt


def median_time(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        result, dt = fn()
        times.append(dt)
    return result, statistics.median(times), times


def gemm_key(a, df, s):
    return f"{a}x{a}/{df}/{s[0]}x{s[1]}x{s[2]}"


# --------------------------------------------------------------------------- SPUSim GEMMs

def write_gemm_csv(path, shapes):
    """SCALE-Sim GEMM topology CSV (``Layer, M, N, K,``)."""
    with open(path, "w") as f:
        f.write("Layer, M, N, K,\n")
        for i, (m, n, k) in enumerate(shapes):
            f.write(f"g{i}_{m}x{n}x{k}, {m}, {n}, {k},\n")


def write_one_tile_hw(path, array, dataflow):
    """One-tile SPU derived from spu-edge-inference: mesh 1x1, array x array PEs with the
    requested dataflow, macs_per_cycle scaled to rows*cols (keeping the per-format multiples),
    64 MiB local SRAM (like SCALE-Sim's 64 MiB buffers)."""
    with open(BASE_CHIP) as f:
        hw = json.load(f)
    hw = copy.deepcopy(hw)
    hw["name"] = f"scalesim-like-{array}x{array}-{dataflow}"
    hw["description"] = f"benchmarks/peers: one {array}x{array} {dataflow} tile derived from spu-edge-inference"
    hw["compute"]["mesh"] = {"rows": 1, "cols": 1}
    ma = hw["compute"]["mac_array"]
    base = ma["macs_per_cycle"]["bf16"]
    assert base == ma["rows"] * ma["cols"], "spu-edge-inference: bf16 rate is no longer rows*cols"
    ma["rows"] = ma["cols"] = array
    ma["dataflow"] = dataflow
    ma["macs_per_cycle"] = {fmt: v * array * array // base for fmt, v in ma["macs_per_cycle"].items()}
    hw["memory"]["local_sram"]["capacity_kib"] = 65536
    with open(path, "w") as f:
        json.dump(hw, f, indent=1)


def spusim_gemms(shapes, array, df_long, repeats):
    """Return ({shape: op dict}, timings) for one CLI evaluation of all shapes, plus one
    single-GEMM CLI evaluation per shape."""
    d = os.path.join(WORK, f"spusim-{array}-{df_long}")
    os.makedirs(d, exist_ok=True)
    hw = os.path.join(d, "hw.json")
    write_one_tile_hw(hw, array, df_long)

    def gen_and_run(csv_path, trace_path):
        _, t_gen = timed_run([SPUSIM, "workload", "generate", "--gemm-csv", csv_path, "--out", trace_path])
        out, t_run = timed_run([SPUSIM, "run", "--arch", hw, "--workload", trace_path, "--no-store", "--json"])
        return (json.loads(out), t_gen, t_run), t_gen + t_run

    # Batched: all shapes in one trace, one `run` call.
    csv_all = os.path.join(d, "gemms.csv")
    write_gemm_csv(csv_all, shapes)
    trace_all = os.path.join(d, "trace.json")
    samples = [gen_and_run(csv_all, trace_all)[0] for _ in range(repeats)]
    batch = {
        "gemms": len(shapes),
        "generate_s": statistics.median(s[1] for s in samples),
        "run_s": statistics.median(s[2] for s in samples),
        "total_s": statistics.median(s[1] + s[2] for s in samples),
    }
    batch["per_gemm_s"] = batch["total_s"] / len(shapes)
    result = samples[0][0]
    ops = result["ops"]
    assert len(ops) == len(shapes), (len(ops), len(shapes))
    per_shape = {}
    for s, op in zip(shapes, ops):
        per_shape[s] = {"compute_cycles": op["compute_cycles"], "mapping": op.get("mapping"),
                        "latency_s": op.get("latency_s")}
    batch["latency_s"] = result.get("latency_s")

    # Single GEMM per CLI pair (generate + run): the conservative per-case time.
    # Marginal: the same GEMM MARGINAL_COPIES times in one trace (`spusim run` has no op cache,
    # every copy is searched and evaluated), (T_copies - T_one) / (copies - 1).
    for i, s in enumerate(shapes):
        c = os.path.join(d, f"one{i}.csv")
        t = os.path.join(d, f"one{i}.json")
        write_gemm_csv(c, [s])
        samples = [gen_and_run(c, t)[0] for _ in range(repeats)]
        one = samples[0][0]["ops"][0]
        assert one["compute_cycles"] == per_shape[s]["compute_cycles"], (s, one, per_shape[s])
        per_shape[s]["cli_generate_s"] = statistics.median(x[1] for x in samples)
        per_shape[s]["cli_run_s"] = statistics.median(x[2] for x in samples)
        per_shape[s]["cli_s"] = statistics.median(x[1] + x[2] for x in samples)
        c = os.path.join(d, f"many{i}.csv")
        t = os.path.join(d, f"many{i}.json")
        write_gemm_csv(c, [s] * MARGINAL_COPIES)
        many = [gen_and_run(c, t)[0] for _ in range(repeats)]
        assert all(op["compute_cycles"] == per_shape[s]["compute_cycles"] for op in many[0][0]["ops"])
        t_many = statistics.median(x[1] + x[2] for x in many)
        per_shape[s]["marginal_s"] = max(t_many - per_shape[s]["cli_s"], 0.0) / (MARGINAL_COPIES - 1)
        os.remove(t)
    return per_shape, batch


# --------------------------------------------------------------------------- SCALE-Sim

def scalesim_part(args, spu, results, save):
    sys.path.insert(0, os.path.join(REPO, "scripts"))
    import scalesim_reference as ref  # noqa: E402  (run_one = the repo's reference runner)
    from importlib.metadata import version
    # Fixed cost SCALE-Sim would pay per CLI call: interpreter start + import (not in scalesim_s).
    _, startup_s, _ = median_time(lambda: timed_run([sys.executable, "-c", "import scalesim.scale_sim"]), 3)
    import scalesim.scale_sim  # noqa: F401
    results["scalesim"] = {"version": version("scalesim"), "startup_s": startup_s,
                           "numpy": version("numpy"), "cases": [], "skipped": []}
    jobs = []
    for array, shapes in ARRAYS:
        for df, df_long in DATAFLOWS:
            for s in shapes:
                est = ref.work(array, array, df, *s)
                if est <= (5.0 if args.quick else args.max_seconds):
                    jobs.append((array, df, df_long, s, est))
                else:
                    results["scalesim"]["skipped"].append(
                        {"case": gemm_key(array, df, s), "estimated_s": round(est, 1)})
    total_est = sum(j[4] for j in jobs)
    log(f"SCALE-Sim: {len(jobs)} runs (estimated {total_est:.0f} s at the script's calibration, "
        f"typically 1.1-1.4x that), {len(results['scalesim']['skipped'])} skipped")
    t_all = time.perf_counter()
    for i, (array, df, df_long, s, est) in enumerate(jobs, 1):
        t = time.perf_counter()
        _, cycles, dt_inner = ref.run_one((array, array, df, *s))
        dt = time.perf_counter() - t
        sp = spu[(array, df_long)]
        per = sp["per_shape"][s]
        case = {
            "case": gemm_key(array, df, s), "array": array, "dataflow": df_long,
            "m": s[0], "n": s[1], "k": s[2],
            "scalesim_cycles": cycles,
            "spusim_cycles": per["compute_cycles"],
            "closed_form_cycles": ref.closed_form_cycles(array, array, df, *s),
            "rel_diff": (per["compute_cycles"] - cycles) / cycles,
            "scalesim_s": dt,
            "spusim_cli_s": per["cli_s"],
            "spusim_cli_run_s": per["cli_run_s"],
            "spusim_batched_per_gemm_s": sp["batch"]["per_gemm_s"],
            "spusim_marginal_s": per["marginal_s"],
            "spusim_mapping": per["mapping"],
        }
        case["speedup_vs_cli"] = dt / case["spusim_cli_s"]
        case["speedup_vs_batched"] = dt / case["spusim_batched_per_gemm_s"]
        case["speedup_vs_marginal"] = dt / case["spusim_marginal_s"] if case["spusim_marginal_s"] else None
        results["scalesim"]["cases"].append(case)
        log(f"  [{i}/{len(jobs)}] {case['case']}: SCALE-Sim {cycles} cycles in {dt:.2f} s; "
            f"SPUSim {per['compute_cycles']} ({case['rel_diff']:+.2%}); "
            f"x{case['speedup_vs_cli']:.0f} (CLI) x{case['speedup_vs_batched']:.0f} (batched) "
            f"x{case['speedup_vs_marginal'] or 0:.0f} (marginal); "
            f"elapsed {time.perf_counter() - t_all:.0f} s")
        save()
    results["scalesim"]["total_s"] = time.perf_counter() - t_all


# --------------------------------------------------------------------------- llm-analysis

def llm_part(args, results):
    from importlib.metadata import version
    t0 = time.perf_counter()
    from llm_analysis.analysis import infer
    import_s = time.perf_counter() - t0
    res = {"version": version("llm-analysis"), "import_s": import_s, "cases": []}
    results["llm_analysis"] = res
    d = os.path.join(WORK, "llm")
    os.makedirs(d, exist_ok=True)
    # SPUSim in-process: spusim-bench times the performance model alone (mapping search included,
    # no process start, no JSON, no energy/cost) on a fixed decode trace (batch 8, context 2048, TP 8).
    bench = {}
    if os.access(SPUSIM_BENCH, os.X_OK):
        for pair in sorted({(c[1], c[3]) for c in LLM_CASES}):
            out, _ = timed_run([SPUSIM_BENCH, "--seconds", "2", "--arch", os.path.join(REPO, "configs", "gpus", pair[1]),
                                "--model", os.path.join(REPO, "workloads", "models", pair[0])])
            line = next(x for x in out.splitlines() if x.startswith("evaluations:"))
            rate = float(line.split("=")[1].split()[0])
            bench[pair] = 1.0 / rate
            log(f"  spusim-bench {pair[0]} on {pair[1]}: {line}")
    res["spusim_bench_workload"] = "decode, batch 8, context 2048, TP 8 (fixed in spusim-bench)"
    for (label, model, llm_model, gpu_cfg, llm_gpu, batch, tp) in LLM_CASES:
        gpu_path = os.path.join(REPO, "configs", "gpus", gpu_cfg)
        with open(gpu_path) as f:
            cal = json.load(f).get("calibration", {})
        cf = cal.get("compute_fraction", 1.0)
        bwf = cal.get("offchip_bandwidth_fraction", 1.0)
        trace = os.path.join(d, f"{model[:-5]}-b{batch}-tp{tp}.json")

        def spu_once():
            _, t_gen = timed_run([SPUSIM, "workload", "generate", "--model",
                                  os.path.join(REPO, "workloads", "models", model), "--phase", "decode",
                                  "--batch", str(batch), "--context", str(CONTEXT),
                                  "--tensor-parallel", str(tp), "--out", trace])
            out, t_run = timed_run([SPUSIM, "run", "--arch", gpu_path, "--workload", trace,
                                    "--no-store", "--json"])
            return (json.loads(out), t_gen, t_run), t_gen + t_run
        samples = [spu_once()[0] for _ in range(args.repeats)]
        spu = samples[0][0]

        common = dict(model_name=llm_model, gpu_name=llm_gpu, dtype_name="w16a16e16", log_level="ERROR",
                      batch_size_per_gpu=batch, tp_size=tp, seq_len=CONTEXT, num_tokens_to_generate=1)

        def llm_once(**extra):
            t = time.perf_counter()
            r = infer(**common, **extra)
            return r, time.perf_counter() - t
        r_def, t_def, _ = median_time(llm_once, max(20, args.repeats))
        r_cal, _, _ = median_time(lambda: llm_once(flops_efficiency=cf, hbm_memory_efficiency=bwf), 3)

        cli = [sys.executable, "-m", "llm_analysis.analysis", "infer", f"--model_name={llm_model}",
               f"--gpu_name={llm_gpu}", "--dtype_name=w16a16e16", "--log_level=ERROR",
               f"--batch_size_per_gpu={batch}", f"--tp_size={tp}", f"--seq_len={CONTEXT}",
               "--num_tokens_to_generate=1"]
        cli_samples = [timed_run(cli) for _ in range(3)]
        t_cli = statistics.median(x[1] for x in cli_samples)

        case = {
            "case": label, "spusim_gpu": gpu_cfg, "llm_gpu": llm_gpu, "spusim_model": model,
            "llm_model": llm_model, "batch": batch, "tp": tp, "context": CONTEXT,
            "spusim_latency_s": spu["latency_s"], "spusim_bound": spu.get("bound"),
            "spusim_time_by_bound_s": spu.get("time_by_bound_s"),
            "spusim_calibration": {"compute_fraction": cf, "offchip_bandwidth_fraction": bwf},
            "spusim_weight_bytes_per_device": spu.get("memory", {}).get("weight_bytes"),
            "llm_weight_bytes_per_gpu": r_def["weight_memory_per_gpu"],
            "llm_latency_s": r_def["decode_latency"],
            "llm_latency_breakdown_s": {k: v for k, v in r_def.items()
                                        if k.startswith("decode_latency_") or k == "kv_cache_latency"},
            "llm_latency_calibrated_s": r_cal["decode_latency"],
            "spusim_cli_s": statistics.median(s[1] + s[2] for s in samples),
            "spusim_run_s": statistics.median(s[2] for s in samples),
            "llm_inprocess_s": t_def,
            "spusim_inprocess_s": bench.get((model, gpu_cfg)),
            "llm_cli_s": t_cli,
        }
        case["latency_ratio_llm_over_spusim"] = case["llm_latency_s"] / case["spusim_latency_s"]
        case["latency_ratio_llm_cal_over_spusim"] = case["llm_latency_calibrated_s"] / case["spusim_latency_s"]
        case["time_ratio_llm_cli_over_spusim_cli"] = t_cli / case["spusim_cli_s"]
        case["time_ratio_llm_inprocess_over_spusim_cli"] = t_def / case["spusim_cli_s"]
        res["cases"].append(case)
        log(f"  {label}: SPUSim {case['spusim_latency_s']*1e3:.2f} ms ({case['spusim_cli_s']*1e3:.0f} ms CLI); "
            f"llm-analysis {case['llm_latency_s']*1e3:.2f} ms / calibrated "
            f"{case['llm_latency_calibrated_s']*1e3:.2f} ms ({t_def*1e3:.2f} ms in-process, {t_cli:.2f} s CLI)")


# --------------------------------------------------------------------------- ZigZag

def zigzag_worker(spec_path):
    """Runs under the ZigZag venv: times each GEMM on ZigZag's shipped tpu_like accelerator."""
    import logging
    logging.basicConfig(level=logging.ERROR)
    with open(spec_path) as f:
        spec = json.load(f)
    t0 = time.perf_counter()
    import zigzag
    from zigzag.api import get_hardware_performance_zigzag
    from importlib.metadata import version
    import_s = time.perf_counter() - t0
    zdir = os.path.dirname(zigzag.__file__)
    hw = os.path.join(zdir, "inputs", "hardware", "tpu_like.yaml")
    mp = os.path.join(zdir, "inputs", "mapping", "tpu_like.yaml")
    out = {"version": version("zigzag-dse"), "import_s": import_s, "accelerator": "zigzag/inputs/hardware/tpu_like.yaml",
           "cases": []}
    for (m, n, k) in spec["shapes"]:
        wl = [{"id": 0, "name": "gemm", "operator_type": "Gemm", "equation": "O[d][k]+=I[d][c]*W[c][k]",
               "loop_dims": ["D", "K", "C"], "loop_sizes": [m, n, k],
               "operand_precision": {"I": 8, "W": 8, "O": 16, "O_final": 8}, "operand_source": {"I": 0}}]
        with tempfile.TemporaryDirectory(prefix="zigzag-") as tmp:
            t = time.perf_counter()
            _, latency, cmes = get_hardware_performance_zigzag(
                wl, hw, mp, opt="latency", dump_folder=tmp, loma_show_progress_bar=False)
            dt = time.perf_counter() - t
        cme = cmes[0][0]
        out["cases"].append({"m": m, "n": n, "k": k, "zigzag_latency_cycles": latency,
                             "zigzag_ideal_cycles": getattr(cme, "ideal_cycle", None), "zigzag_s": dt})
    json.dump(out, sys.stdout)


def zigzag_part(args, spu, results):
    spec = os.path.join(WORK, "zigzag-spec.json")
    with open(spec, "w") as f:
        json.dump({"shapes": GEMMS_32}, f)
    p = subprocess.run([args.zigzag_python, os.path.abspath(__file__), "--zigzag-worker", spec],
                       capture_output=True, text=True, cwd=WORK)
    if p.returncode != 0:
        log("ZigZag failed, skipped:\n" + p.stderr[-2000:])
        results["zigzag"] = {"skipped": "worker failed: " + p.stderr[-500:]}
        return
    z = json.loads(p.stdout)
    sp = spu[(32, "weight-stationary")]
    for c in z["cases"]:
        s = (c["m"], c["n"], c["k"])
        per = sp["per_shape"][s]
        c["spusim_cycles_ws32"] = per["compute_cycles"]
        c["spusim_cli_s"] = per["cli_s"]
        c["spusim_batched_per_gemm_s"] = sp["batch"]["per_gemm_s"]
        c["speedup_vs_cli"] = c["zigzag_s"] / per["cli_s"]
        c["speedup_vs_batched"] = c["zigzag_s"] / sp["batch"]["per_gemm_s"]
        c["spusim_marginal_s"] = per["marginal_s"]
        c["speedup_vs_marginal"] = c["zigzag_s"] / per["marginal_s"] if per["marginal_s"] else None
        log(f"  ZigZag {s}: {c['zigzag_latency_cycles']:.0f} cycles in {c['zigzag_s']:.2f} s "
            f"(x{c['speedup_vs_cli']:.0f} vs SPUSim CLI)")
    results["zigzag"] = z


# --------------------------------------------------------------------------- report

def fmt_s(x):
    if x is None:
        return "-"
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 1e-3:
        return f"{x*1e3:.1f} ms"
    return f"{x*1e6:.0f} us"


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    if not xs:
        return None
    import math
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def report(results):
    m = results.get("machine", {})
    lines = [f"Machine: {m.get('cpu')} x {m.get('cpus')} CPUs, {m.get('platform')}; Python {m.get('python')}; "
             f"spusim {m.get('spusim_version')} (commit {m.get('git_commit', '?')[:10]}"
             f"{', dirty tree' if m.get('git_dirty') else ''}); `spusim --version` process floor "
             f"{fmt_s(m.get('spusim_process_floor_s'))}; load average at start {m.get('loadavg_start')}.", ""]
    ss = results.get("scalesim")
    if ss and ss.get("cases"):
        lines += ["### SCALE-Sim vs SPUSim (GEMM compute cycles)", "",
                  "| array | dataflow | m x n x k | SCALE-Sim cycles | SPUSim cycles | rel. diff | "
                  "SCALE-Sim time | SPUSim CLI (gen+run) | SPUSim batched / GEMM | SPUSim marginal / GEMM | "
                  "speed-up (CLI) | speed-up (batched) | speed-up (marginal) |",
                  "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for c in ss["cases"]:
            lines.append(f"| {c['array']}x{c['array']} | {c['dataflow'].split('-')[0][:1].upper()}S | "
                         f"{c['m']}x{c['n']}x{c['k']} | {c['scalesim_cycles']:,} | {c['spusim_cycles']:,} | "
                         f"{c['rel_diff']:+.2%} | {fmt_s(c['scalesim_s'])} | {fmt_s(c['spusim_cli_s'])} | "
                         f"{fmt_s(c['spusim_batched_per_gemm_s'])} | {fmt_s(c['spusim_marginal_s'])} | "
                         f"{c['speedup_vs_cli']:,.0f}x | {c['speedup_vs_batched']:,.0f}x | "
                         f"{c['speedup_vs_marginal']:,.0f}x |")
        cs = ss["cases"]
        exact = sum(1 for c in cs if c["rel_diff"] == 0)

        def summary(key, label):
            xs = [c[key] for c in cs if c[key]]
            big = sum(1 for x in xs if x >= 1000)
            return (f"{label}: min {min(xs):,.0f}x, geomean {geomean(xs):,.0f}x, max {max(xs):,.0f}x "
                    f"(>= 1000x in {big}/{len(xs)})")
        lines += ["", f"{len(cs)} cases; cycle counts identical in {exact}/{len(cs)}, max |rel. diff| "
                      f"{max(abs(c['rel_diff']) for c in cs):.2%}.", "",
                  "- " + summary("speedup_vs_cli", "speed-up vs SPUSim single-GEMM CLI (generate + run)"),
                  "- " + summary("speedup_vs_batched", "vs SPUSim batched CLI / number of GEMMs"),
                  "- " + summary("speedup_vs_marginal", f"vs SPUSim marginal cost per GEMM ({MARGINAL_COPIES} copies "
                                                        "in one trace)"),
                  f"- SCALE-Sim total {sum(c['scalesim_s'] for c in cs):.0f} s in-process; a fresh "
                  f"`python -c 'import scalesim.scale_sim'` takes {ss['startup_s']:.2f} s more per process "
                  "(not counted above).", ""]
        if ss.get("skipped"):
            lines += ["Skipped (estimated too slow): " + ", ".join(
                f"{x['case']} (~{x['estimated_s']} s)" for x in ss["skipped"]), ""]
    sb = results.get("spusim_batches")
    if sb:
        lines += ["### SPUSim batched runs (all GEMMs of an array in one trace)", "",
                  "| array / dataflow | GEMMs | generate | run | total | per GEMM |", "|---|---:|---:|---:|---:|---:|"]
        for k, b in sb.items():
            lines.append(f"| {k} | {b['gemms']} | {fmt_s(b['generate_s'])} | {fmt_s(b['run_s'])} | "
                         f"{fmt_s(b['total_s'])} | {fmt_s(b['per_gemm_s'])} |")
        lines.append("")
    la = results.get("llm_analysis")
    if la and la.get("cases"):
        lines += ["### llm-analysis vs SPUSim (one decode step, context 512, bf16/fp16)", "",
                  "| case | SPUSim latency | llm-analysis latency (defaults) | llm-analysis (SPUSim's efficiencies) | "
                  "ratio llm/SPUSim | weights/GPU SPUSim / llm-analysis | SPUSim CLI time | SPUSim in-process* | "
                  "llm-analysis in-process | llm-analysis CLI |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for c in la["cases"]:
            lines.append(f"| {c['case']} | {c['spusim_latency_s']*1e3:.2f} ms | {c['llm_latency_s']*1e3:.2f} ms | "
                         f"{c['llm_latency_calibrated_s']*1e3:.2f} ms | {c['latency_ratio_llm_over_spusim']:.2f} / "
                         f"{c['latency_ratio_llm_cal_over_spusim']:.2f} | "
                         f"{(c['spusim_weight_bytes_per_device'] or 0)/1e9:.1f} / {c['llm_weight_bytes_per_gpu']/1e9:.1f} GB | "
                         f"{fmt_s(c['spusim_cli_s'])} | {fmt_s(c.get('spusim_inprocess_s'))} | "
                         f"{fmt_s(c['llm_inprocess_s'])} | {fmt_s(c['llm_cli_s'])} |")
        lines += ["", "\\* `spusim-bench`: performance model only (mapping search included; no process start, JSON, "
                      f"energy or cost), on {la.get('spusim_bench_workload')} of the same model and GPU.", ""]
    elif la and la.get("skipped"):
        lines += [f"llm-analysis: skipped ({la['skipped']})", ""]
    zz = results.get("zigzag")
    if zz and zz.get("cases"):
        lines += ["### ZigZag (tpu_like 32x32 WS, 8-bit) vs SPUSim (32x32 WS one-tile) -- time; cycles for context only",
                  "", "| m x n x k | ZigZag latency cycles | SPUSim compute cycles | ZigZag time | SPUSim CLI | "
                  "SPUSim marginal | speed-up (CLI) | speed-up (batched) | speed-up (marginal) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for c in zz["cases"]:
            lines.append(f"| {c['m']}x{c['n']}x{c['k']} | {c['zigzag_latency_cycles']:,.0f} | "
                         f"{c['spusim_cycles_ws32']:,} | {fmt_s(c['zigzag_s'])} | {fmt_s(c['spusim_cli_s'])} | "
                         f"{fmt_s(c['spusim_marginal_s'])} | {c['speedup_vs_cli']:,.0f}x | "
                         f"{c['speedup_vs_batched']:,.0f}x | {c['speedup_vs_marginal']:,.0f}x |")
        lines.append("")
    elif zz and zz.get("skipped"):
        lines += [f"ZigZag: skipped ({zz['skipped'][:200]})", ""]
    return "\n".join(lines)


def machine_info():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info = {"platform": platform.platform(), "machine": platform.machine(), "cpu": cpu,
            "cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        info["loadavg_start"] = os.getloadavg()
    except OSError:
        pass
    try:
        info["spusim_version"] = subprocess.run([SPUSIM, "--version"], capture_output=True, text=True).stdout.strip()
        _, info["spusim_process_floor_s"], _ = median_time(lambda: timed_run([SPUSIM, "--version"]), 11)
        info["git_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                                            text=True).stdout.strip()
        info["git_dirty"] = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                                                capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="SCALE-Sim: only runs estimated under 5 s")
    ap.add_argument("--max-seconds", type=float, default=120.0,
                    help="skip SCALE-Sim runs whose estimated time (scripts/scalesim_reference.py work()) exceeds this")
    ap.add_argument("--skip-scalesim", action="store_true")
    ap.add_argument("--skip-llm", metavar="REASON", nargs="?", const="--skip-llm given")
    ap.add_argument("--zigzag-python", help="python of a venv with zigzag-dse (optional part)")
    ap.add_argument("--skip-zigzag", metavar="REASON")
    ap.add_argument("--repeats", type=int, default=5, help="repeats of each SPUSim / llm-analysis timing (median)")
    ap.add_argument("--zigzag-worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.zigzag_worker:
        zigzag_worker(args.zigzag_worker)
        return
    if not os.access(SPUSIM, os.X_OK):
        sys.exit(f"{SPUSIM} missing: run `swift build -c release` first (run.sh does)")
    os.makedirs(WORK, exist_ok=True)
    results = {"generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": machine_info(), "context": CONTEXT}
    t_start = time.perf_counter()

    def save():
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(results, f, indent=1)

    # SPUSim on every GEMM set first (fast).
    log("SPUSim GEMMs ...")
    spu = {}
    for array, shapes in ARRAYS:
        for df, df_long in DATAFLOWS:
            per_shape, batch = spusim_gemms(shapes, array, df_long, args.repeats)
            spu[(array, df_long)] = {"per_shape": per_shape, "batch": batch}
            log(f"  {array}x{array} {df}: {len(shapes)} GEMMs, batched {fmt_s(batch['total_s'])} "
                f"({fmt_s(batch['per_gemm_s'])}/GEMM), single-GEMM CLI median "
                f"{fmt_s(statistics.median(p['cli_s'] for p in per_shape.values()))}")
    results["spusim_batches"] = {f"{a}x{a} {d}": v["batch"] for (a, d), v in spu.items()}
    save()

    if args.skip_llm:
        results["llm_analysis"] = {"skipped": args.skip_llm}
    else:
        log("llm-analysis ...")
        llm_part(args, results)
    save()

    if args.zigzag_python:
        log("ZigZag ...")
        zigzag_part(args, spu, results)
    elif args.skip_zigzag:
        results["zigzag"] = {"skipped": args.skip_zigzag}
    save()

    if not args.skip_scalesim:
        log("SCALE-Sim ...")
        scalesim_part(args, spu, results, save)

    try:
        results["machine"]["loadavg_end"] = os.getloadavg()
    except OSError:
        pass
    results["total_s"] = time.perf_counter() - t_start
    save()
    md = report(results)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(md + "\n")
    print()
    print(md)
    log(f"wrote {os.path.relpath(os.path.join(OUT, 'results.json'), REPO)} and results.md "
        f"({results['total_s']:.0f} s)")


if __name__ == "__main__":
    main()
