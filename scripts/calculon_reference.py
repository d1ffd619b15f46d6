#!/usr/bin/env python3
"""Reference data for the distributed-training step model (issue 18): published Megatron-LM
measurements on Selene (A100 80GB) next to what the open-source Calculon simulator predicts for them.

Cases
  megatron-sc21-*       Narayanan et al., SC21 (arXiv 2104.04473), Table 1, all ten rows. Published
                        metric: achieved teraFLOP/s per GPU, defined by eq. (3) with full recomputation.
                        Calculon inputs: scripts/calculon/models/ and scripts/calculon/executions/.
  korthikanti-*-full    Korthikanti et al., MLSys 2023 (arXiv 2205.05198), Table 5, "Full Recompute".
  korthikanti-*-selective  Same table, "Present Work" (sequence parallelism + selective recomputation).
                        Calculon inputs: its own models/*.json and validation/seqsel/tab5/*.json.
All cases use Calculon's systems/a100_80g.json (the system its Table 5 validation uses).

The script needs only the standard library; Calculon runs in its own venv python, started as a child
process. It also runs Calculon's built-in `calculon llm-validation` and stores the output.

Usage:
  python3 -m venv /work/calculon-venv
  /work/calculon-venv/bin/pip install -e /work/calculon numpy pandas psutil
  python3 scripts/calculon_reference.py --calculon /work/calculon --python /work/calculon-venv/bin/python
Writes Tests/SPUSimTests/Data/training-reference.json (see --out; not under validation/, whose
every .json file `spusim validate-model` loads as a validation case).
"""
import argparse, json, os, re, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "scripts", "calculon")
PEAK_TFLOPS = 312.0  # A100 dense 16-bit tensor-core peak, both papers' denominator
SEQ, VOCAB = 2048, 51200

NARAYANAN = "Narayanan et al., \"Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM\", SC21 (arXiv 2104.04473)"
KORTHIKANTI = "Korthikanti et al., \"Reducing Activation Recomputation in Large Transformer Models\", MLSys 2023 (arXiv 2205.05198)"

# Narayanan Table 1: params (B), heads, hidden, layers, t, p, GPUs, batch, TFLOP/s per GPU, % of peak, aggregate PFLOP/s.
SC21_ROWS = [
    ("1.7b", 1.7, 24, 2304, 24, 1, 1, 32, 512, 137, 44, 4.4),
    ("3.6b", 3.6, 32, 3072, 30, 2, 1, 64, 512, 138, 44, 8.8),
    ("7.5b", 7.5, 32, 4096, 36, 4, 1, 128, 512, 142, 46, 18.2),
    ("18.4b", 18.4, 48, 6144, 40, 8, 1, 256, 1024, 135, 43, 34.6),
    ("39.1b", 39.1, 64, 8192, 48, 8, 2, 512, 1536, 138, 44, 70.8),
    ("76.1b", 76.1, 80, 10240, 60, 8, 4, 1024, 1792, 140, 45, 143.8),
    ("145.6b", 145.6, 96, 12288, 80, 8, 8, 1536, 2304, 148, 47, 227.1),
    ("310.1b", 310.1, 128, 16384, 96, 8, 16, 1920, 2160, 155, 50, 297.4),
    ("529.6b", 529.6, 128, 20480, 105, 8, 35, 2520, 2520, 163, 52, 410.2),
    ("1008b", 1008.0, 160, 25600, 128, 8, 64, 3072, 3072, 163, 52, 502.0),
]
# Korthikanti Table 3 (configuration) and Table 5 (iteration time, MFU, HFU).
# name, Calculon model file, heads, hidden, layers, t, p, GPUs, global batch, micro-batch, interleave (Sec. 6: m = 3 for 175B and 530B),
# full-recompute s, present-work s, throughput increase %, MFU %, HFU %.
TAB5_ROWS = [
    ("22b", "megatron-22B", 64, 6144, 48, 8, 1, 8, 4, 4, 1, 1.42, 1.10, 29.0, 41.5, 43.7),
    ("175b", "gpt3-175B", 96, 12288, 96, 8, 8, 64, 64, 1, 3, 18.13, 13.75, 31.8, 51.4, 52.8),
    ("530b", "turing-530B", 128, 20480, 105, 8, 35, 280, 280, 1, 3, 49.05, 37.83, 29.7, 56.0, 57.0),
    ("1t", "megatron-1T", 160, 25600, 128, 8, 64, 512, 512, 1, 1, 94.42, 71.49, 32.1, 56.3, 57.0),
]


def sc21_flops(B, l, h, s=SEQ, V=VOCAB):
    """Narayanan eq. (3): GEMM FLOPs per iteration with full activation recomputation (incl. logit layer)."""
    return 96 * B * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h))


def model_flops(B, l, h, s=SEQ, V=VOCAB):
    """Korthikanti eq. (7): model FLOPs per iteration (forward + backward, no recomputation)."""
    return 72 * B * l * s * h * h * (1 + s / (6 * h) + V / (12 * h * l))


def selective_hw_flops(B, l, h, s=SEQ, V=VOCAB):
    """Korthikanti eq. (8): hardware FLOPs per iteration with selective recomputation."""
    return 72 * B * l * s * h * h * (1 + s / (3 * h) + V / (12 * h * l))


def sc21_params(l, h, s=SEQ, V=VOCAB):
    """Narayanan eq. (2)."""
    return 12 * l * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * l * h))


WORKER = r"""
import json, logging, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import calculon
from calculon.llm import Llm
from calculon.system import System
logger = logging.getLogger('calculon')
out = []
for job in json.load(sys.stdin):
    sysj = calculon.io.read_json_file(job['system'])
    appj = calculon.io.read_json_file(job['model'])
    exej = calculon.io.read_json_file(job['execution'])
    exej.update(job.get('override', {}))
    times, stats, err = [], None, None
    for _ in range(job.get('repeats', 1)):
        t0 = time.perf_counter()
        try:
            syst = System(sysj)
            mt = Llm(Llm.Application(appj), logger)
            mt.compile(syst, Llm.Execution.from_json(exej))
            mt.run(syst)
            stats = mt.get_stats_json(False)
        except Llm.Error as e:
            err = str(e)
        times.append(time.perf_counter() - t0)
        if err: break
    r = {'id': job['id'], 'eval_s': times}
    if err: r['error'] = err
    else: r['stats'] = {k: stats[k] for k in job['keys']}
    out.append(r)
json.dump(out, sys.stdout)
"""
KEYS = ["total_time", "proc_mem_tier1_cap_req", "fw_time", "bw_time", "optim_step_time", "recompute_time", "bubble_time",
        "tp_comm_exposed_time", "pp_comm_exposed_time", "dp_comm_exposed_time", "recomm_exposed_time",
        "weight_space", "act_space", "act_checkpoint_size", "weight_grad_space", "optimizer_space", "useful_flops"]


def run_worker(python, calculon_dir, jobs):
    p = subprocess.run([python, "-c", WORKER, calculon_dir], input=json.dumps(jobs), capture_output=True, text=True, cwd=calculon_dir)
    if p.returncode != 0:
        sys.exit("Calculon worker failed:\n" + p.stderr)
    return {r["id"]: r for r in json.loads(p.stdout)}


def git_head(path):
    return subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


def parse_validation(text):
    """Per-table Ave/Max lines of `calculon llm-validation`, keyed by table title."""
    tables, title = {}, None
    for line in text.splitlines():
        if line.startswith("*Params & Opt") or line.startswith("*Activations") or line.startswith("Activations,") or line.startswith("End-to-end"):
            title = {"*Params & Opt": "seqsel_fig1_params_optimizer_memory", "*Activations": "seqsel_fig1_activation_memory",
                     "Activations,": "seqsel_fig7_relative_activation_memory", "End-to-end": "seqsel_tab5_iteration_time"}[
                next(k for k in ["*Params & Opt", "*Activations", "Activations,", "End-to-end"] if line.startswith(k))]
            tables[title] = {}
        m = re.match(r"(Ave|Max),,([-0-9.]+)%", line)
        if m and title:
            tables[title]["mean_abs_error_pct" if m.group(1) == "Ave" else "max_abs_error_pct"] = float(m.group(2))
    return tables


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calculon", required=True, help="Calculon checkout (github.com/calculon-ai/calculon)")
    ap.add_argument("--python", required=True, help="python of a venv where Calculon and numpy, pandas, psutil are installed")
    ap.add_argument("--out", default=os.path.join(ROOT, "Tests/SPUSimTests/Data/training-reference.json"))
    ap.add_argument("--repeats", type=int, default=20, help="evaluations timed per case (median is reported)")
    a = ap.parse_args()
    cdir = os.path.abspath(a.calculon)
    system = os.path.join(cdir, "systems", "a100_80g.json")

    jobs, cases = [], []
    for (name, params, heads, h, l, t, p, n, B, tflops, pct, agg) in SC21_ROWS:
        cid = f"megatron-sc21-{name}"
        d = n // (t * p)
        base = {"id": cid, "system": system, "model": os.path.join(HERE, "models", cid + ".json"),
                "execution": os.path.join(HERE, "executions", cid + ".json"), "repeats": a.repeats, "keys": KEYS}
        jobs.append(base)
        # Sensitivity to what the paper leaves open: the interleaving factor v ("we use the interleaved
        # pipeline schedule", no v given) and its scatter/gather optimisation (Calculon tensor_par_comm_type p2p_rs_ag).
        blocks = -(-l // p)
        variants = [{"tensor_par_comm_type": "p2p_rs_ag"}] if t > 1 else []
        if p > 1:
            for v in [v for v in (2, 3, 4, 5, 6) if blocks % v == 0]:
                variants += [{"pipeline_interleaving": v}, {"pipeline_interleaving": v, "tensor_par_comm_type": "p2p_rs_ag"}]
        for i, ov in enumerate(variants):
            jobs.append(dict(base, id=f"{cid}#{i}", override=ov, repeats=1))
        F = sc21_flops(B, l, h)
        cases.append({
            "name": cid, "paper": "Narayanan et al. SC21, Table 1",
            "model": {"hidden": h, "layers": l, "heads": heads, "ffn": 4 * h, "seq": SEQ, "vocab": VOCAB},
            "gpus": n, "tensor_parallel": t, "pipeline_parallel": p, "data_parallel": d, "global_batch": B,
            "micro_batch": 1, "micro_batch_note": "not stated in the paper; 1 assumed",
            "interleave": 1, "interleave_note": "the paper uses the interleaved schedule (Sec. 5.1) but does not give the number of chunks; 1 assumed, see calculon.sensitivity",
            "recompute": "full", "sequence_parallel": False,
            "published": {"metric": "tflops_per_gpu", "value": tflops, "percent_of_peak": pct, "aggregate_pflops": agg,
                          "parameters_billion": params,
                          "source": f"{NARAYANAN}, Table 1 (weak scaling, Selene, A100 80GB, mixed precision; FLOPs by eq. (3), "
                                    "interleaved schedule with scatter/gather, Sec. 5.1)",
                          "implied_iteration_s": round(F / (tflops * 1e12 * n), 4),
                          "check_parameters_eq2_billion": round(sc21_params(l, h) / 1e9, 2)},
            "flops_per_iteration_eq3": F,
        })
    for (name, mfile, heads, h, l, t, p, n, B, b, v, full_s, sel_s, incr, mfu, hfu) in TAB5_ROWS:
        for mode, exefile, secs in (("full", "full", full_s), ("selective", "seqsel", sel_s)):
            cid = f"korthikanti-{name}-{mode}"
            jobs.append({"id": cid, "system": system, "model": os.path.join(cdir, "models", mfile + ".json"),
                         "execution": os.path.join(cdir, "validation", "seqsel", "tab5", f"{mfile}_{exefile}.json"),
                         "repeats": a.repeats, "keys": KEYS})
            pub = {"metric": "iteration_s", "value": secs,
                   "eq3_tflops_per_gpu": round(sc21_flops(B, l, h) / (secs * n) / 1e12, 1),
                   "source": f"{KORTHIKANTI}, Table 5 (end-to-end iteration time, column "
                             f"\"{'Full Recompute' if mode == 'full' else 'Present Work'}\"; configuration Table 3; Selene, A100 80GB)"}
            if mode == "selective":
                pub.update({"mfu_percent": mfu, "hfu_percent": hfu, "throughput_increase_percent": incr,
                            "check_mfu_eq7_percent": round(100 * model_flops(B, l, h) / (secs * n * PEAK_TFLOPS * 1e12), 1),
                            "check_hfu_eq8_percent": round(100 * selective_hw_flops(B, l, h) / (secs * n * PEAK_TFLOPS * 1e12), 1)})
            else:
                pub["check_mfu_eq7_percent"] = round(100 * model_flops(B, l, h) / (secs * n * PEAK_TFLOPS * 1e12), 1)
            cases.append({
                "name": cid, "paper": "Korthikanti et al. 2022, Table 5",
                "model": {"hidden": h, "layers": l, "heads": heads, "ffn": 4 * h, "seq": SEQ, "vocab": VOCAB},
                "gpus": n, "tensor_parallel": t, "pipeline_parallel": p, "data_parallel": 1, "global_batch": B,
                "micro_batch": b, "interleave": v, "recompute": mode, "sequence_parallel": mode == "selective",
                "published": pub, "flops_per_iteration_eq3": sc21_flops(B, l, h),
                "calculon_inputs": {"model": f"models/{mfile}.json", "execution": f"validation/seqsel/tab5/{mfile}_{exefile}.json"},
            })

    res = run_worker(a.python, cdir, jobs)
    for c in cases:
        r = res[c["name"]]
        if "error" in r:
            c["calculon"] = {"error": r["error"]}
            del c["flops_per_iteration_eq3"]
            continue
        st = r["stats"]
        T = st["total_time"]
        cal = {"iteration_s": round(T, 4),
               "tflops_per_gpu": round(c["flops_per_iteration_eq3"] / (T * c["gpus"]) / 1e12, 1),
               "memory_gib": round(st["proc_mem_tier1_cap_req"] / 2**30, 2),
               "breakdown_s": {k: round(st[k], 4) for k in KEYS[2:11]},
               "eval_s_median": round(statistics.median(r["eval_s"]), 5)}
        pub = c["published"]
        if pub["metric"] == "tflops_per_gpu":
            cal["error_vs_published_pct"] = round(100 * (cal["tflops_per_gpu"] - pub["value"]) / pub["value"], 1)
        else:
            cal["error_vs_published_pct"] = round(100 * (T - pub["value"]) / pub["value"], 1)
            cal["mfu_eq7_percent"] = round(100 * model_flops(c["global_batch"], c["model"]["layers"], c["model"]["hidden"]) / (T * c["gpus"] * PEAK_TFLOPS * 1e12), 1)
        sens = []
        i = 0
        while f"{c['name']}#{i}" in res:
            rv = res[f"{c['name']}#{i}"]
            job = next(j for j in jobs if j["id"] == f"{c['name']}#{i}")
            entry = dict(job["override"])
            if "error" in rv:
                entry["error"] = rv["error"]
            else:
                Tv = rv["stats"]["total_time"]
                entry.update({"iteration_s": round(Tv, 4), "tflops_per_gpu": round(c["flops_per_iteration_eq3"] / (Tv * c["gpus"]) / 1e12, 1),
                              "memory_gib": round(rv["stats"]["proc_mem_tier1_cap_req"] / 2**30, 2)})
            sens.append(entry)
            i += 1
        if sens:
            cal["sensitivity"] = sens
        c["calculon"] = cal
        del c["flops_per_iteration_eq3"]
        # Calculon models the transformer blocks only: the logit GEMMs of eq. (3) (6BshV) are not in its time.
        h, l = c["model"]["hidden"], c["model"]["layers"]
        c["logit_flops_fraction_eq3"] = round((VOCAB / (16 * l * h)) / (1 + SEQ / (6 * h) + VOCAB / (16 * l * h)), 4)

    v = subprocess.run([a.python, os.path.join(cdir, "bin", "calculon"), "llm-validation"], capture_output=True, text=True, cwd=cdir)
    if v.returncode != 0:
        sys.exit("calculon llm-validation failed:\n" + v.stderr)
    gpt3 = res["korthikanti-175b-full"]["eval_s"]
    out = {
        "source": f"Published: {NARAYANAN}, Table 1; {KORTHIKANTI}, Tables 3 and 5. Predicted: Calculon "
                  "(github.com/calculon-ai/calculon) with systems/a100_80g.json. TFLOP/s per GPU = Narayanan eq. (3) FLOPs / "
                  "(iteration time x GPUs) for every case. Generated by scripts/calculon_reference.py.",
        "calculon_commit": git_head(cdir),
        "calculon_system": "systems/a100_80g.json",
        "peak_tflops_per_gpu": PEAK_TFLOPS,
        "calculon_eval_s_gpt3_175b": {"median": round(statistics.median(gpt3), 5), "min": round(min(gpt3), 5), "max": round(max(gpt3), 5),
                                      "repeats": len(gpt3), "what": "time.perf_counter around System + Llm construction, compile and run, korthikanti-175b-full"},
        "calculon_llm_validation": {"summary": parse_validation(v.stdout), "output": v.stdout.splitlines()},
        "cases": cases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(json.dumps(out, indent=1) + "\n")
    w = max(len(c["name"]) for c in cases)
    for c in cases:
        cal, pub = c["calculon"], c["published"]
        if "error" in cal:
            print(f"{c['name']:<{w}}  calculon error: {cal['error']}")
            continue
        print(f"{c['name']:<{w}}  published {pub['metric']}={pub['value']:<7}  calculon {cal['iteration_s']:8.3f} s "
              f"{cal['tflops_per_gpu']:6.1f} TFLOP/s {cal['memory_gib']:6.2f} GiB  error {cal['error_vs_published_pct']:+.1f}%")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
