"""Shared helpers for the calibration fit scripts: run the model on trial validation cases.

Each fit script builds validation cases (the same JSON as validation/<category>/*.json) and a
trial hardware description, and asks `spusim validate-model --json` for the model's predictions,
so the fits use the model itself rather than a re-implementation of its equations.
"""
import json, os, subprocess, tempfile

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


def fit_fixed_plus_bandwidth(points):
    """Least squares on relative error of  measured - p0 = F + bytes * g  over (measured, p0, bytes)
    triples; returns (F seconds, g seconds per byte)."""
    s00 = s01 = s11 = r0 = r1 = 0.0
    for measured, p0, nbytes in points:
        w = 1 / measured
        a, b, y = w, nbytes * w, (measured - p0) * w
        s00 += a * a; s01 += a * b; s11 += b * b; r0 += a * y; r1 += b * y
    det = s00 * s11 - s01 * s01
    return (r0 * s11 - r1 * s01) / det, (s00 * r1 - s01 * r0) / det


def fit_bandwidth(points):
    """Least squares on relative error of  measured - p  = bytes * g  over (measured, p, bytes)
    triples; returns g (seconds per byte)."""
    num = den = 0.0
    for measured, p, nbytes in points:
        b = nbytes / measured
        num += b * (measured - p) / measured
        den += b * b
    return num / den


def summarize(label, errors):
    errors = [abs(e) for e in errors]
    if errors:
        print(f"{label}: {len(errors)} cases, mean |error| {100 * sum(errors) / len(errors):.1f}%, max {100 * max(errors):.1f}%")
