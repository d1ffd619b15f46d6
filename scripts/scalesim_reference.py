#!/usr/bin/env python3
"""Generate SCALE-Sim GEMM compute-cycle reference data for SPUSim tests.

Runs the real SCALE-Sim simulator (PyPI package ``scalesim``, v3.0.0 when this
file was written) end to end -- operand matrices, systolic compute model and
the double-buffered memory model -- for a grid of GEMM shapes, systolic-array
sizes and the three dataflows, and writes

    Tests/SPUSimTests/Data/scalesim-reference.csv

with header ``array_rows,array_cols,dataflow,m,n,k,compute_cycles,scalesim_version``
plus a provenance sidecar ``Tests/SPUSimTests/Data/scalesim-reference.md``.

GEMM convention (SPUSim):  C[m, n] = sum_k A[m, k] * B[k, n]
    A = ifmap / activations (m rows, k columns)
    B = filter / weights    (k rows, n columns)

SCALE-Sim GEMM topology CSV is ``Layer, M, N, K,`` (trailing comma required).
``scalesim.topology_utils.topologies.load_arrays_gemm`` turns a row into the
conv layer  [ifmap_h=M, ifmap_w=K, filt_h=1, filt_w=K, channels=1,
num_filters=N, stride=1], i.e. ofmap pixels = M, window (contraction) = K,
number of filters (output columns) = N.  Hence the mapping is the identity:

    SCALE-Sim M  = m   (ifmap rows / output rows)
    SCALE-Sim N  = n   (filter columns / output columns)
    SCALE-Sim K  = k   (contraction)

and SCALE-Sim's spatio-temporal dims (Sr, Sc, T) per dataflow are
    os: Sr = m, Sc = n, T = k
    ws: Sr = k, Sc = n, T = m
    is: Sr = k, Sc = m, T = n

``compute_cycles`` is SCALE-Sim's "Total Cycles" column of COMPUTE_REPORT.csv
(the value printed as "Compute cycles:" by the simulator; it is
``double_buffered_scratchpad.get_total_compute_cycles()``, which includes
stalls). The run uses InterfaceBandwidth = CALC (estimate-bandwidth mode: the
read buffers are stall free by construction) and 64 MiB for each of the
ifmap/filter/ofmap SRAMs, so the OFMAP write buffer never fills; the script
asserts that the reported stall cycles are 0 for every row.

Runs whose estimated SCALE-Sim run time (see ``work()``) is above
``--max-seconds`` are skipped (SCALE-Sim is a pure-Python, cycle-by-cycle
model and the biggest shapes on small arrays take hours); the skipped runs are
listed in the sidecar.

Usage (from the repository root):
    python3 -m venv .venv-scalesim
    .venv-scalesim/bin/pip install 'scalesim==3.0.0' 'numpy<2'
    .venv-scalesim/bin/python scripts/scalesim_reference.py --jobs 2
"""

import argparse
import csv
import datetime
import math
import multiprocessing as mp
import os
import platform
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(REPO, "Tests", "SPUSimTests", "Data")

SHAPES = [  # (m, n, k)
    (16, 16, 16), (31, 17, 45), (64, 64, 64), (128, 128, 128),
    (100, 300, 200), (256, 64, 512), (512, 512, 512), (1, 4096, 4096),
    (8, 4096, 4096), (1024, 256, 128), (7, 7, 3000), (200, 50, 75),
    (2048, 128, 64), (33, 129, 257), (4, 1000, 2048), (384, 384, 64),
]
ARRAYS = [(8, 8), (16, 16), (32, 32), (128, 128), (32, 16)]  # (rows, cols)
DATAFLOWS = [("os", "output-stationary"), ("ws", "weight-stationary"),
             ("is", "input-stationary")]

SRAM_KB = 65536  # per buffer (ifmap, filter, ofmap)

CONFIG_TEMPLATE = """[general]
run_name = ref

[architecture_presets]
ArrayHeight:    {rows}
ArrayWidth:     {cols}
IfmapSramSzkB:    {sram}
FilterSramSzkB:   {sram}
OfmapSramSzkB:    {sram}
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Dataflow : {df}
Bandwidth : 10
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: 10
IfmapSRAMBankNum: 10
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: 10
FilterSRAMBankNum: 10
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false
SparseRep : ellpack_block
OptimizedMapping : false
BlockSize : 8
RandomNumberGeneratorSeed : 40

[run_presets]
InterfaceBandwidth: CALC
UseRamulatorTrace: False
"""


def spatio_temporal(df, m, n, k):
    return {"os": (m, n, k), "ws": (k, n, m), "is": (k, m, n)}[df]


def work(rows, cols, df, m, n, k):
    """Rough SCALE-Sim run time in seconds (calibrated on one x86 core), used
    only to schedule (largest first) and to skip runs that would take too
    long. SCALE-Sim walks its demand matrices line by line in Python; OS and IS
    additionally build them with repeated np.concatenate (quadratic in folds)."""
    sr, sc, t = spatio_temporal(df, m, n, k)
    folds = math.ceil(sr / rows) * math.ceil(sc / cols)
    lines = folds * (2 * rows + cols + t)
    secs = lines * (25 + 0.15 * (rows + 2 * cols)) * 1e-6
    if df in ("os", "is"):
        secs += folds * lines * max(rows, cols) * 0.6e-9
    return secs


def run_one(job):
    rows, cols, df, m, n, k = job
    # Imported here so that worker processes import it themselves.
    from scalesim.scale_sim import scalesim

    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="scalesim-ref-") as tmp:
        cfg = os.path.join(tmp, "ref.cfg")
        topo = os.path.join(tmp, "gemm.csv")
        layout = os.path.join(tmp, "layout.csv")
        with open(cfg, "w") as f:
            f.write(CONFIG_TEMPLATE.format(rows=rows, cols=cols, df=df, sram=SRAM_KB))
        with open(topo, "w") as f:
            f.write("Layer, M, N, K,\n")
            f.write(f"gemm, {m}, {n}, {k},\n")
        with open(layout, "w") as f:  # header-only: custom layouts are off
            f.write("Layer name,\n")
        devnull = open(os.devnull, "w")
        old = sys.stdout
        sys.stdout = devnull
        try:
            sim = scalesim(save_disk_space=True, verbose=False, config=cfg,
                           topology=topo, layout=layout, input_type_gemm=True)
            sim.run_scale(top_path=os.path.join(tmp, "out"))
        finally:
            sys.stdout = old
            devnull.close()
        layer = sim.runner.single_layer_sim_object_list[0]
        items = layer.get_compute_report_items()
        total_cycles, stall_cycles = int(items[1]), int(items[2])
        # Cross-check with the report file SCALE-Sim wrote.
        with open(os.path.join(tmp, "out", "ref", "COMPUTE_REPORT.csv")) as f:
            rep = [r.strip() for r in f.readlines()[1].split(",")]
        assert int(rep[2]) == total_cycles, (rep, total_cycles)
    assert stall_cycles == 0, f"stalls in {job}: {stall_cycles}"
    return job, total_cycles, time.time() - t0


def closed_form_cycles(rows, cols, dataflow, m, n, k):
    """SCALE-Sim 3.0.0 compute cycles (no stalls), derived from
    scalesim/compute/systolic_compute_{os,ws,is}.py and
    memory/double_buffered_scratchpad_mem.py:

      folds = ceil(Sr / R) * ceil(Sc / C), each fold padded to a full R x C array;
      per-fold demand lines: OS  R + C + T - 2   (skew fill + T + drain)
                             WS/IS  2R + C + T - 2  (R cycles preload + skew + T + drain)
      folds are strictly serialised (no inter-fold overlap), and the reported
      "Total Cycles" is the 0-based index of the last OFMAP demand line, i.e.
      (total demand lines) - 1.
    """
    df = {"output-stationary": "os", "weight-stationary": "ws",
          "input-stationary": "is"}.get(dataflow, dataflow)
    sr, sc, t = spatio_temporal(df, m, n, k)
    fill = rows + cols - 2 if df == "os" else 2 * rows + cols - 2
    return math.ceil(sr / rows) * math.ceil(sc / cols) * (fill + t) - 1


def plan(max_seconds):
    jobs, skipped = [], []
    for (r, c) in ARRAYS:
        for df, _ in DATAFLOWS:
            for (m, n, k) in SHAPES:
                if work(r, c, df, m, n, k) > max_seconds:
                    skipped.append((r, c, df, m, n, k))
                else:
                    jobs.append((r, c, df, m, n, k))
    return jobs, skipped


def check_csv(path):
    """Return (rows, max |closed_form - scalesim|)."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    worst = 0
    for r in rows:
        f = closed_form_cycles(int(r["array_rows"]), int(r["array_cols"]), r["dataflow"],
                               int(r["m"]), int(r["n"]), int(r["k"]))
        worst = max(worst, abs(f - int(r["compute_cycles"])))
    return len(rows), worst


def write_sidecar(out, args, ss_version, numpy_version, skipped, generated):
    names = dict(DATAFLOWS)
    nrows, worst = check_csv(out)
    md = os.path.splitext(out)[0] + ".md"
    skipped_txt = "\n".join(
        f"| {r}x{c} | {names[df]} | {m} | {n} | {k} |" for (r, c, df, m, n, k) in skipped)
    with open(md, "w") as f:
        f.write(f"""# SCALE-Sim reference data (`{os.path.basename(out)}`)

{nrows} rows generated by `scripts/scalesim_reference.py` on {generated}.

## Regenerate

```sh
python3 -m venv .venv-scalesim
.venv-scalesim/bin/pip install 'scalesim=={ss_version}' 'numpy<2'
.venv-scalesim/bin/python scripts/scalesim_reference.py --jobs {args.jobs} --max-seconds {args.max_seconds:g}
```

(about 12 minutes on 2 cores; `--sidecar-only` rewrites this file from the existing CSV.)

## Versions

- scalesim {ss_version} (PyPI, MIT license, https://github.com/scalesim-project/scale-sim-v3)
- numpy {numpy_version}
- Python {platform.python_version()} ({platform.platform()})

## Columns

`array_rows,array_cols,dataflow,m,n,k,compute_cycles,scalesim_version`

- GEMM convention: C[m,n] = sum_k A[m,k] * B[k,n]; A = ifmap (m x k), B = filter (k x n).
- SCALE-Sim GEMM topology row `Layer, M, N, K,` is written with M=m, N=n, K=k
  (SCALE-Sim maps it to ifmap M x K, K filter taps, N filters).
- `compute_cycles` = SCALE-Sim COMPUTE_REPORT "Total Cycles" (printed as
  "Compute cycles"); stall cycles were asserted to be 0 for every row.

## SCALE-Sim configuration

- Array: `ArrayHeight` = array_rows, `ArrayWidth` = array_cols; `Dataflow` = os / ws / is
- SRAM: ifmap = filter = ofmap = {SRAM_KB} kB (word size 1 byte), far larger than any operand
- `InterfaceBandwidth: CALC` (estimate-bandwidth mode; read buffers never stall),
  `UseRamulatorTrace: False`, no custom layouts, sparsity off
- Offsets 0 / 10000000 / 20000000, Read/WriteRequestBuffer 32
- Python API: `scalesim(save_disk_space=True, verbose=False, input_type_gemm=True).run_scale()`

## Closed form (matches every row; max deviation {worst})

R = array_rows, C = array_cols; (Sr, Sc, T) = (m, n, k) for OS, (k, n, m) for WS, (k, m, n) for IS.

- OS: cycles = ceil(Sr/R) * ceil(Sc/C) * (R + C + T - 2) - 1
- WS, IS: cycles = ceil(Sr/R) * ceil(Sc/C) * (2R + C + T - 2) - 1

Folds are serialised with no overlap; partial folds cost as much as full ones; the
trailing -1 is because SCALE-Sim reports the 0-based index of the last cycle.

## Runs skipped (estimated too slow in SCALE-Sim, see `work()`)

| array | dataflow | m | n | k |
|---|---|---|---|---|
{skipped_txt}

## Topologies

The scalesim 3.0.0 wheel and sdist ship no topology files (no `topologies/`
folder); no ResNet-50 topology was copied.
""")
    print(f"wrote {md} ({nrows} rows, closed-form max deviation {worst})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=40.0,
                    help="skip runs whose estimated SCALE-Sim run time exceeds this")
    ap.add_argument("--out", default=os.path.join(DATA_DIR, "scalesim-reference.csv"))
    ap.add_argument("--sidecar-only", action="store_true",
                    help="do not simulate; re-check the existing CSV and rewrite the .md")
    args = ap.parse_args()

    import numpy
    import scalesim  # noqa: F401
    from importlib.metadata import version
    ss_version = version("scalesim")

    jobs, skipped = plan(args.max_seconds)
    if args.sidecar_only:
        generated = datetime.datetime.fromtimestamp(
            os.path.getmtime(args.out), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        write_sidecar(args.out, args, ss_version, numpy.__version__, skipped, generated)
        return

    jobs.sort(key=lambda j: -work(*j))
    print(f"{len(jobs)} runs, {len(skipped)} skipped", flush=True)

    results = {}
    t0 = time.time()
    with mp.Pool(args.jobs) as pool:
        for i, (job, cycles, dt) in enumerate(pool.imap_unordered(run_one, jobs), 1):
            results[job] = cycles
            print(f"[{i}/{len(jobs)}] {job} -> {cycles} ({dt:.1f}s, total {time.time()-t0:.0f}s)",
                  flush=True)

    names = dict(DATAFLOWS)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["array_rows", "array_cols", "dataflow", "m", "n", "k",
                    "compute_cycles", "scalesim_version"])
        for (r, c) in ARRAYS:
            for df, _ in DATAFLOWS:
                for (m, n, k) in SHAPES:
                    key = (r, c, df, m, n, k)
                    if key in results:
                        w.writerow([r, c, names[df], m, n, k, results[key], ss_version])
    print(f"wrote {len(results)} rows to {args.out}")
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    write_sidecar(args.out, args, ss_version, numpy.__version__, skipped, generated)


if __name__ == "__main__":
    main()
