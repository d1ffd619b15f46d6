"""Shared helpers for the calibration fit scripts: run the model on trial validation cases.

Each fit script builds validation cases (the same JSON as validation/<category>/*.json) and a
trial hardware description, and asks `spusim validate-model --json` for the model's predictions,
so the fits use the model itself rather than a re-implementation of its equations.
"""
import csv, json, os, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SPUSIM = os.path.join(ROOT, ".build/release/spusim")


def predict(hardware, cases, spusim=DEFAULT_SPUSIM):
    """Model predictions {case name: value} for `cases` (dicts) on `hardware` (a config dict)."""
    with tempfile.TemporaryDirectory() as tmp:
        hw_path = os.path.join(tmp, "hardware.json")
        json.dump(hardware, open(hw_path, "w"))
        folder = os.path.join(tmp, "v/cases")
        os.makedirs(folder)
        for c in cases:
            case = {k: v for k, v in c.items() if k != "use"}
            json.dump(dict(case, hardware=hw_path), open(os.path.join(folder, c["name"] + ".json"), "w"))
        tolerances = json.load(open(os.path.join(ROOT, "validation/tolerances.json")))
        json.dump(tolerances, open(os.path.join(tmp, "v/tolerances.json"), "w"))
        run = subprocess.run([spusim, "validate-model", "--dir", os.path.join(tmp, "v"), "--json"],
                             capture_output=True, text=True, cwd=ROOT)
        if not run.stdout:
            raise SystemExit(run.stderr)
    return {c["name"]: c["predicted"] for c in json.loads(run.stdout)["cases"]}


def aiconfigurator_gemms(gpu, role):
    """The 16-bit GEMMs of validation/microbenchmarks/aiconfigurator/<gpu>/gemm_float16.csv as trial
    validation cases (timed in a CUDA graph); role(m, n, k) returns "calibration", "held-out" or
    None to leave the GEMM out."""
    path = os.path.join(ROOT, "validation/microbenchmarks/aiconfigurator", gpu, "gemm_float16.csv")
    for row in csv.DictReader(open(path)):
        m, n, k = int(row["m"]), int(row["n"]), int(row["k"])
        chosen = role(m, n, k)
        if chosen:
            yield {"name": f"{gpu}-gemm-{m}x{n}x{k}", "category": "gemm", "role": chosen,
                   "case": {"gemm": {"m": m, "n": n, "k": k, "format": "bf16"}}, "metric": "latency_s",
                   "timing": "cuda-graph", "measured": float(row["latency_us"]) * 1e-6, "source": "aiconfigurator"}


def summarize(label, errors):
    errors = [abs(e) for e in errors]
    if errors:
        print(f"{label}: {len(errors)} cases, mean |error| {100 * sum(errors) / len(errors):.1f}%, max {100 * max(errors):.1f}%")
