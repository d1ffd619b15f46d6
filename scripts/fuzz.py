#!/usr/bin/env python3
"""Fuzzes the spusim binary with mutated copies of every shipped input kind.

Each case takes one shipped file (hardware spec, technology file, TCO file, model config, trace,
sweep) or one command template, mutates it (numbers replaced by edge values such as 0, 5e-324,
1.7e308, 2^63 or 4294967297; keys deleted, renamed or retyped; array elements duplicated; text
truncated), and runs the commands that read it: `validate`, then — when the file is valid — the
command that uses it (`run`, `workload generate`, `fleet`, `sweep --dry-run`, a small real sweep).

A case is a finding when a command
  * dies from a signal (a trap, an abort, a segfault),
  * runs past its time limit (a hang),
  * exits with a code outside the documented set (docs/limits.md: 0, 2, 64, 74; 1 only for
    validate-model, which the fuzzer does not run),
  * succeeds but prints a non-finite number (nan, inf), or writes a feasible result whose
    metrics are missing, negative where they cannot be, or an infeasible one that carries
    efficiency numbers.

Every finding is saved under OUT/findings/NNNN/ with the mutated files and a `repro.sh`.
Exit status: 0 when no findings, 1 otherwise.

Usage (from the repository root, after `swift build -c release --product spusim`):

    python3 scripts/fuzz.py --seconds 60              # the CI run
    python3 scripts/fuzz.py --seconds 1800 --seed 7   # the release run (docs/limits.md)
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, FIRST_COMPLETED, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED_EXIT_CODES = {0, 2, 64, 74}

EDGE_NUMBERS = [
    0, -1, 1, 2, 0.5, -0.0, 3.5, 1e-9, 1e-300, 5e-324, 1e300, 1.7e308, -1.7e308,
    2**31, 2**31 - 1, 2**32 + 1, 2**53 + 1, 2**63, 2**63 - 1, 2**64, 9.2e18, 1e15, 8.2e12,
    24_000_000, 4_294_967_297, 65536, 1e6, 1e9,
]
EDGE_OPTION_VALUES = [
    "0", "-1", "1", "2", "0.5", "1e-9", "5e-324", "1e308", "inf", "-inf", "nan", "1000000000",
    "2147483648", "4294967297", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "abc", "", "1e10", "3", "7", "64", "65536",
]
NONFINITE = re.compile(r"(?<![A-Za-z0-9_])[-+]?(nan|inf|infinity)(?![A-Za-z0-9_])", re.IGNORECASE)

TRACE = "workloads/traces/llama-3-8b-decode-b32-ctx4096.json"
SMALL_TRACE = "workloads/traces/resnet50-b32.json"
CHIP = "configs/chips/spu-datacenter.json"
GPU = "configs/gpus/h100-sxm.json"
MODEL = "workloads/models/llama-3-8b.json"

# Results columns that a feasible row must carry, finite; and the efficiency columns an
# infeasible row must not carry.
FEASIBLE_REQUIRED = ["latency_s", "energy_j", "avg_power_w", "area_mm2", "items_per_s", "items_per_joule"]
NON_NEGATIVE = ["latency_s", "energy_j", "avg_power_w", "area_mm2", "items_per_s", "items_per_joule",
                "usd_per_million_items", "die_cost_usd", "tco_usd_per_hour"]
EFFICIENCY = ["items_per_s", "items_per_joule", "usd_per_million_items", "items_per_s_per_chip"]


class Case:
    """One fuzz case: files to write into its directory and commands to run in order."""

    def __init__(self, kind, description):
        self.kind = kind
        self.description = description
        self.files = {}          # relative name -> text
        self.commands = []       # (argv list, timeout seconds, check)
        self.copy_dirs = {}      # relative name -> source dir to copy before files are written


def dumps(value):
    return json.dumps(value, indent=2, allow_nan=True)


# MARK: JSON mutation

def leaves(value, path=()):
    """Every (path, value) in a JSON document, containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaves(child, path + (index,))


def get(value, path):
    for step in path:
        value = value[step]
    return value


def set_at(value, path, new):
    if not path:
        return new
    parent = get(value, path[:-1])
    parent[path[-1]] = new
    return value


def mutate_json(doc, rng):
    """Applies one to three mutations; returns the document and a description."""
    notes = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        nodes = list(leaves(doc))
        numbers = [(p, v) for p, v in nodes if isinstance(v, (int, float)) and not isinstance(v, bool) and p]
        roll = rng.random()
        if numbers and roll < 0.55:
            path, old = rng.choice(numbers)
            if rng.random() < 0.8:
                new = rng.choice(EDGE_NUMBERS)
            else:
                new = old * rng.choice([1e-6, 1e-3, 10, 1e3, 1e6, -1])
            doc = set_at(doc, path, new)
            notes.append(f"{fmt_path(path)}: {old!r} -> {new!r}")
        elif roll < 0.72:
            picked = pick_key(nodes, rng)
            if picked:
                path, obj, key = picked
                if roll < 0.65:
                    del obj[key]
                    notes.append(f"{fmt_path(path + (key,))}: deleted")
                else:
                    typo = key[:-1] if len(key) > 2 else key + "x"
                    obj[typo] = obj.pop(key)
                    notes.append(f"{fmt_path(path + (key,))}: renamed {typo}")
        elif roll < 0.82:
            candidates = [(p, v) for p, v in nodes if p]
            if candidates:
                path, old = rng.choice(candidates)
                new = rng.choice([None, "x", [], {}, True, 1, [old], "configs/tech", MODEL, TRACE])
                doc = set_at(doc, path, new)
                notes.append(f"{fmt_path(path)}: retyped to {json.dumps(new)}")
        elif roll < 0.92:
            arrays = [(p, v) for p, v in nodes if isinstance(v, list) and v]
            if arrays:
                path, arr = rng.choice(arrays)
                arr.append(json.loads(json.dumps(rng.choice(arr))))
                notes.append(f"{fmt_path(path)}: element duplicated")
        else:
            strings = [(p, v) for p, v in nodes if isinstance(v, str) and p]
            if strings:
                path, old = rng.choice(strings)
                new = rng.choice(["", old + "x", old.upper(), "../" + old, "/dev/null", "x" * 300])
                doc = set_at(doc, path, new)
                notes.append(f"{fmt_path(path)}: {old!r} -> {new[:40]!r}")
    return doc, "; ".join(notes) or "no-op"


def pick_key(nodes, rng):
    """A random key of a random non-empty object: (path of the object, the object, the key)."""
    objects = [(p, v) for p, v in nodes if isinstance(v, dict) and v]
    if not objects:
        return None
    path, obj = rng.choice(objects)
    return path, obj, rng.choice(list(obj))


def fmt_path(path):
    out = "$"
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out


def mutate_text(text, rng):
    roll = rng.random()
    if roll < 0.4:
        cut = rng.randrange(len(text))
        return text[:cut], f"truncated at {cut}"
    if roll < 0.7:
        at = rng.randrange(len(text))
        junk = rng.choice(["\x00", "}", "]", ",", "\"", "\\u0000", "\ufffd", "1e999", "NaN"])
        return text[:at] + junk + text[at:], f"inserted {junk!r} at {at}"
    at = rng.randrange(len(text))
    return text[:at] + text[at + 1:], f"deleted byte {at}"


# MARK: case generators (one per input kind)

def shipped(pattern):
    return sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern))


def mutated_file(source, rng):
    text = (ROOT / source).read_text()
    if rng.random() < 0.1:
        return mutate_text(text, rng)
    doc, note = mutate_json(json.loads(text), rng)
    return dumps(doc), note


def mutated_case(kind, sources, name, rng):
    """A case holding a mutated copy of one of `sources` as `name`, first validated."""
    source = rng.choice(sources)
    text, note = mutated_file(source, rng)
    case = Case(kind, f"{source}: {note}")
    case.files[name] = text
    case.commands.append((["validate", "{dir}/" + name], 30, None))
    return case


def case_hardware(rng):
    case = mutated_case("hardware", shipped("configs/chips/*.json") + shipped("configs/gpus/*.json"), "design.json", rng)
    trace = rng.choice([TRACE, SMALL_TRACE] + shipped("workloads/traces/*.json"))
    case.commands.append((["run", "--arch", "{dir}/design.json", "--workload", trace, "--db", "{dir}/r.sqlite",
                           "--json"], 60, "run-json+db"))
    return case


def case_tech(rng):
    source = rng.choice(shipped("configs/tech/*.json"))
    text, note = mutated_file(source, rng)
    case = Case("tech", f"{source}: {note}")
    case.copy_dirs["tech"] = "configs/tech"
    case.files["tech/" + Path(source).name] = text
    case.commands.append((["validate", "{dir}/tech/" + Path(source).name], 30, None))
    arch = rng.choice([CHIP, GPU] + shipped("configs/chips/*.json"))
    case.commands.append((["run", "--arch", arch, "--workload", TRACE, "--tech", "{dir}/tech", "--no-store", "--json"], 60,
                          "run-json"))
    return case


def case_tco(rng):
    case = mutated_case("tco", ["configs/tco/default.json"], "tco.json", rng)
    case.commands.append((["run", "--arch", CHIP, "--workload", TRACE, "--tco", "{dir}/tco.json", "--no-store", "--json"], 60,
                          "run-json"))
    case.commands.append((["fleet", "--model", MODEL, "--queries-per-day", "1e9", "--arch", CHIP, "--baseline", GPU,
                           "--tco", "{dir}/tco.json", "--requests-per-trial", "20", "--json"], 150, "output"))   # simulated sizing: ~45 s alone on one core
    return case


def case_model(rng):
    case = mutated_case("model", shipped("workloads/models/*.json"), "model.json", rng)
    phase = rng.choice(["decode", "prefill"])
    case.commands.append((["workload", "generate", "--model", "{dir}/model.json", "--phase", phase, "--batch",
                           str(rng.choice([1, 8, 32])), "--tensor-parallel", str(rng.choice([1, 2, 8])),
                           "--out", "{dir}/trace.json"], 60, "output"))
    case.commands.append((["validate", "{dir}/trace.json"], 30, "generated-trace"))
    case.commands.append((["run", "--arch", rng.choice([CHIP, GPU]), "--workload", "{dir}/trace.json", "--no-store", "--json"],
                          60, "run-json"))
    case.commands.append((["fleet", "--model", "{dir}/model.json", "--queries-per-day", "1e9", "--arch", CHIP, "--sizing", "static",
                           "--json"], 60, "output"))
    case.commands.append((["serve", "--model", "{dir}/model.json", "--arch", GPU, "--offline", "8", "--input-tokens", "64",
                           "--output-tokens", "16", "--json"], 60, "output"))
    return case


def case_engines(rng):
    case = mutated_case("engines", ["configs/serving/engines.json"], "engines.json", rng)
    case.commands.append((["serve", "--model", MODEL, "--arch", GPU, "--engines", "{dir}/engines.json", "--engine",
                           rng.choice(["vllm-0.6", "vllm-0.11", "nim-1.8", "vllm"]), "--rate", "4", "--requests", "20",
                           "--input-tokens", "128", "--output-tokens", "32", "--json"], 60, "output"))
    return case


def case_request_trace(rng):
    """A small Azure-style trace, mutated as text."""
    rows = ["TIMESTAMP,ContextTokens,GeneratedTokens"]
    for i in range(rng.choice([1, 3, 10])):
        rows.append(f"2023-11-16 18:15:{10 + i:02d}.{rng.randrange(10**7):07d},{rng.choice([1, 64, 700, 5000])},{rng.choice([1, 8, 200])}")
    text, how = "\n".join(rows) + "\n", "intact"
    if rng.random() < 0.7:
        text, how = mutate_text(text, rng)
    case = Case("request-trace", f"serve --trace ({how})")
    case.files["trace.csv"] = text
    case.commands.append((["serve", "--model", MODEL, "--arch", GPU, "--trace", "{dir}/trace.csv", "--json"], 60, "output"))
    return case


def case_trace(rng):
    case = mutated_case("trace", shipped("workloads/traces/*.json"), "trace.json", rng)
    case.commands.append((["workload", "show", "{dir}/trace.json"], 30, "output"))
    case.commands.append((["run", "--arch", rng.choice([CHIP, GPU]), "--workload", "{dir}/trace.json", "--no-store", "--json"],
                          60, "run-json"))
    return case


def case_sweep(rng):
    case = mutated_case("sweep", shipped("configs/sweeps/*.json"), "sweep.json", rng)
    case.commands.append((["sweep", "{dir}/sweep.json", "--dry-run"], 30, "output"))
    if rng.random() < 0.25:
        # A small slice of the real sweep: shard 1 of 64 keeps it to a few seconds.
        case.commands.append((["sweep", "{dir}/sweep.json", "--db", "{dir}/s.sqlite", "--shard", "1/64", "--jobs", "2"], 120,
                              "output+db"))
    return case


OPTION_TEMPLATES = [
    ["workload", "generate", "--model", MODEL, "--phase", "decode", "--batch", "{v}", "--out", "{dir}/t.json"],
    ["workload", "generate", "--model", MODEL, "--phase", "prefill", "--prompt", "{v}", "--out", "{dir}/t.json"],
    ["workload", "generate", "--model", MODEL, "--phase", "decode", "--context", "{v}", "--out", "{dir}/t.json"],
    ["workload", "generate", "--model", MODEL, "--tensor-parallel", "{v}", "--out", "{dir}/t.json"],
    ["workload", "generate", "--cnn", "resnet50", "--batch", "{v}", "--out", "{dir}/t.json"],
    ["fleet", "--model", MODEL, "--queries-per-day", "{v}", "--arch", CHIP, "--sizing", "static"],
    ["fleet", "--model", MODEL, "--queries-per-day", "1e9", "--input-tokens", "{v}", "--arch", CHIP, "--requests-per-trial", "20"],
    ["fleet", "--model", MODEL, "--queries-per-day", "1e9", "--output-tokens", "{v}", "--arch", CHIP, "--sizing", "static", "--json"],
    ["fleet", "--model", MODEL, "--queries-per-day", "1e9", "--slo-ttft-ms", "{v}", "--arch", CHIP, "--requests-per-trial", "20"],
    ["fleet", "--model", MODEL, "--queries-per-day", "1e9", "--slo-tpot-ms", "{v}", "--arch", GPU, "--requests-per-trial", "20"],
    ["fleet", "--model", MODEL, "--queries-per-day", "1e9", "--arch", GPU, "--diurnal-peak", "{v}", "--requests-per-trial", "{v}"],
    ["serve", "--model", MODEL, "--arch", GPU, "--rate", "{v}", "--requests", "20", "--input-tokens", "128", "--output-tokens", "16"],
    ["serve", "--model", MODEL, "--arch", GPU, "--rate", "5", "--requests", "{v}", "--input-tokens", "128", "--output-tokens", "16"],
    ["serve", "--model", MODEL, "--arch", GPU, "--offline", "{v}", "--input-tokens", "128", "--output-tokens", "16"],
    ["serve", "--model", MODEL, "--arch", GPU, "--concurrency", "{v}", "--requests", "20", "--input-tokens", "128", "--output-tokens", "16"],
    ["serve", "--model", MODEL, "--arch", GPU, "--concurrency", "4", "--requests", "{v}", "--input-tokens", "128", "--output-tokens", "16"],
    ["serve", "--model", MODEL, "--arch", GPU, "--offline", "8", "--input-tokens", "{v}", "--output-tokens", "16", "--json"],
    ["serve", "--model", MODEL, "--arch", GPU, "--offline", "8", "--input-tokens", "lognormal:{v}:1", "--output-tokens", "uniform:1:{v}"],
    ["serve", "--model", MODEL, "--arch", GPU, "--rate", "5", "--requests", "20", "--cv", "{v}", "--input-tokens", "64", "--output-tokens", "8"],
    ["serve", "--model", MODEL, "--arch", GPU, "--offline", "16", "--token-budget", "{v}", "--input-tokens", "600", "--output-tokens", "8"],
    ["serve", "--model", MODEL, "--arch", GPU, "--offline", "16", "--max-seqs", "{v}", "--input-tokens", "60", "--output-tokens", "8"],
    ["serve", "--model", MODEL, "--arch", GPU, "--offline", "16", "--memory-utilization", "{v}", "--input-tokens", "600", "--output-tokens", "8"],
    ["serve", "--model", MODEL, "--arch", GPU, "--offline", "16", "--block-size", "{v}", "--input-tokens", "600", "--output-tokens", "8", "--json"],
    ["serve", "--model", MODEL, "--arch", GPU, "--max-rate", "--requests", "20", "--slo-ttft-ms", "{v}", "--input-tokens", "64", "--output-tokens", "8"],
    ["workload", "generate", "--model", MODEL, "--recipe", "w=int4,a=bf16,kv=fp8-e4m3,acc=exact:{v}", "--out", "{dir}/t.json"],
    ["fleet", "--model", MODEL, "--queries-per-day", "1e9", "--arch", CHIP + "@pal8", "--baseline", GPU + "@{v}", "--sizing", "static"],
    ["recipes", "compare", "--model", MODEL, "--pair", CHIP + "@fp8", "--pair", GPU + "@pal8", "--decode-batch", "{v}", "--tensor-parallel", "1"],
    ["run", "--arch", CHIP, "--workload", SMALL_TRACE, "--no-store", "--mapping-budget", "{v}"],
    ["run", "--arch", CHIP, "--workload", SMALL_TRACE, "--no-store", "--top", "{v}"],
    ["formats", "study", "--formats", "fp8-e4m3,int8", "--samples", "{v}"],
    ["formats", "study", "--formats", "fp8-e4m3", "--samples", "1000", "--block", "{v}"],
    ["formats", "study", "--formats", "bf16", "--samples", "1000", "--outliers", "{v}"],
    ["formats", "study", "--formats", "int8", "--samples", "1000", "--seed", "{v}"],
    ["sweep", "configs/sweeps/quickstart.json", "--dry-run", "--jobs", "{v}"],
    ["sweep", "configs/sweeps/quickstart.json", "--dry-run", "--shard", "{v}/4"],
    ["sweep", "configs/sweeps/quickstart.json", "--dry-run", "--top", "{v}"],
    ["query", "--db", "{dir}/none.sqlite", "--limit", "{v}"],
]


def case_options(rng):
    template = rng.choice(OPTION_TEMPLATES)
    value = rng.choice(EDGE_OPTION_VALUES)
    argv = [value if part == "{v}" else part.replace("{v}", value) for part in template]
    case = Case("options", " ".join(argv))
    check = "run-json" if "--json" in argv and argv[0] == "run" else "output"
    case.commands.append((argv, 60, check))
    return case


def case_quantize(rng):
    lines = [rng.choice(["1.5", "-0", "nan", "inf", "1e400", "abc", "", "0x10", "1e-400", "3.4e38", " 2 "])
             for _ in range(rng.randint(1, 6))]
    case = Case("quantize", "stdin " + repr(lines))
    case.files["stdin.txt"] = "\n".join(lines) + "\n"
    fmt = rng.choice(["fp8-e4m3", "bf16", "int8", "posit16", "lns8", "fp4-e2m1"])
    case.commands.append((["formats", "quantize", "--format", fmt], 30, "quantize"))
    return case


SEED_DATABASE = {"path": None}   # a small results database made once per fuzz run (two runs, three designs)

WHERE_CLAUSES = ["feasible", "area_mm2 < 400", "1/0", "latency_s > 'x'", "items_per_s IS NULL", "bogus_column = 1",
                 "1; DROP TABLE results", "randomblob(100000000) IS NULL", "feasible AND (", ""]
COLUMNS = ["*", "design_name,latency_s", "items_per_joule", "bogus", "latency_s,latency_s", "", ","]
OBJECTIVES = ["max:weighted_items_per_joule,min:area_mm2", "min:weighted_latency_s", "max:bogus", "max:", "min:area_mm2,min:area_mm2",
              "max:weighted_throughput_per_s_per_w", "up:area_mm2"]


def case_database(rng):
    """A reader or writer command on a copy of a small results database, sometimes corrupted."""
    case = Case("database", "")
    corrupt = rng.random() < 0.25
    case.files["db.sqlite"] = None   # copied from the seed database in run_case
    case.corrupt = corrupt
    command = rng.choice([
        ["query", "--db", "{dir}/db.sqlite", "--where", rng.choice(WHERE_CLAUSES), "--columns", rng.choice(COLUMNS),
         "--limit", rng.choice(["1", "0", "-1", "1000000000000"]), "--format", rng.choice(["table", "csv", "json"])],
        ["query", "--db", "{dir}/db.sqlite", "--run", rng.choice(["1", "2", "999", "-1", "0"]),
         "--order-by", rng.choice(["latency_s desc", "bogus", "latency_s sideways", "1"])],
        ["query", "--db", "{dir}/db.sqlite", "--table", rng.choice(["results", "design_scores", "op_results", "runs", "sqlite_master", "nope"])],
        ["pareto", "--db", "{dir}/db.sqlite", "--objectives", rng.choice(OBJECTIVES)] + rng.choice([[], ["--all"], ["--table", "results"]]),
        ["compare", "--db", "{dir}/db.sqlite", "--baseline", rng.choice(["h100-sxm", "h100", "spu-datacenter", "x"]),
         "--top", rng.choice(["1", "0", "-3", "99999999999"])],
        ["export", "--db", "{dir}/db.sqlite", "--to", "{dir}/out." + rng.choice(["csv", "json", "txt"])],
        ["report", "--db", "{dir}/db.sqlite", "--out", "{dir}/report.html", "--top", rng.choice(["1", "5", "0"])],
        ["plot", "roofline", "--db", "{dir}/db.sqlite", "--out", "{dir}/r.svg"],
        ["run", "--arch", GPU, "--workload", SMALL_TRACE, "--db", "{dir}/db.sqlite"],
        ["merge", "{dir}/merged.sqlite", "{dir}/db.sqlite", "{dir}/db.sqlite"],
        ["migrate", "--db", "{dir}/db.sqlite"],
    ])
    case.description = ("corrupted database: " if corrupt else "database: ") + " ".join(command)
    case.commands.append((command, 90, "output"))
    return case


def case_task_graph(rng):
    """A mutated task graph (with its own processors, or on a shipped platform), every scheduler."""
    graphs = shipped("workloads/graphs/*.json") + ["Tests/SPUSimTests/Data/scheduling/topcuoglu2002.json"]
    case = mutated_case("task-graph", graphs, "graph.json", rng)
    argv = ["schedule", "--graph", "{dir}/graph.json", "--scheduler", "all", "--model-error", rng.choice(["0", "0.3"])]
    if "processors" not in case.files["graph.json"] and shipped("configs/platforms/*.json"):
        argv += ["--platform", rng.choice(shipped("configs/platforms/*.json"))]
    case.commands.append((argv, 60, "output"))
    return case


def case_platform(rng):
    """A mutated platform, run with a shipped graph under every scheduler."""
    platforms = shipped("configs/platforms/*.json")
    graphs = [g for g in shipped("workloads/graphs/*.json") if '"processors"' not in (ROOT / g).read_text()]
    if not platforms or not graphs:
        return case_task_graph(rng)
    source = rng.choice(platforms)
    doc = json.loads((ROOT / source).read_text())
    # Design paths are relative to the platform file: make them absolute for the copy.
    for node in doc.get("nodes", []):
        for device in node.get("devices", []):
            if isinstance(device.get("design"), str):
                device["design"] = str((ROOT / source).parent / device["design"])
    doc, note = mutate_json(doc, rng)
    case = Case("platform", f"{source}: {note}")
    case.files["platform.json"] = dumps(doc)
    case.commands.append((["validate", "{dir}/platform.json"], 30, None))
    case.commands.append((["schedule", "--graph", rng.choice(graphs), "--platform", "{dir}/platform.json", "--scheduler", "all"], 60, "output"))
    return case


def case_cluster(rng):
    """A mutated cluster file, run through a training step, a layout search and cluster sizing; odd layouts too."""
    case = mutated_case("cluster", shipped("configs/clusters/*.json"), "cluster.json", rng)
    arch = rng.choice([GPU, "configs/chips/spu-training.json"])
    model = rng.choice(["workloads/models/llama-3-8b.json", "workloads/models/mixtral-8x7b.json", "workloads/models/gpt-j-6b.json"])
    parallel = rng.choice(["tp=8,pp=2,dp=4", "tp=2,pp=4,dp=8,v=2", "tp=4,pp=1,dp=16,zero=3", "tp=8,dp=8,ep=8",
                           "tp=3,pp=2", "pp=0", "tp=8,pp=64,dp=1", "mb=9,dp=7", "v=2", "tp=1,pp=1,dp=1,recompute=full,sp=off",
                           "tp=2,pp=2,dp=2,zero=2,overlap=off", "tp=99999999999999999999"])
    batch = str(rng.choice([1, 7, 64, 256, 4096]))
    seq = str(rng.choice([1, 128, 2048, 32768]))
    case.commands.append((["train", "--arch", arch, "--cluster", "{dir}/cluster.json", "--model", model, "--global-batch", batch,
                           "--seq", seq, "--parallel", parallel, "--json"], 60, "output"))
    case.commands.append((["train", "--arch", arch, "--cluster", "{dir}/cluster.json", "--model", model, "--global-batch", batch,
                           "--seq", seq, "--search", "--devices", str(rng.choice([1, 8, 64, 96])), "--json"], 60, "output"))
    case.commands.append((["cluster", "--arch", arch, "--cluster", "{dir}/cluster.json", "--target-ops", rng.choice(["1e21", "1", "1e30"]),
                           "--model", model, "--global-batch", batch, "--devices", "16", "--json"], 60, "output"))
    return case


GENERATORS = [(case_hardware, 5), (case_tech, 2), (case_tco, 1), (case_model, 3), (case_trace, 3), (case_sweep, 3),
              (case_options, 4), (case_quantize, 1), (case_database, 3), (case_engines, 1), (case_request_trace, 1),
              (case_task_graph, 2), (case_platform, 2), (case_cluster, 2)]


def make_seed_database(binary, scratch):
    path = scratch / "seed.sqlite"
    for arch, trace in [(CHIP, SMALL_TRACE), (GPU, SMALL_TRACE), ("configs/chips/spu-edge-inference.json", TRACE)]:
        subprocess.run([binary, "run", "--arch", arch, "--workload", trace, "--db", str(path)], cwd=ROOT,
                       capture_output=True, check=True, timeout=120)
    SEED_DATABASE["path"] = path


# MARK: running and checking

def check_output(stdout):
    match = NONFINITE.search(stdout)
    return f"non-finite number in output: …{stdout[max(0, match.start() - 60):match.end() + 20]!r}…" if match else None


def check_run_json(stdout):
    try:
        result = json.loads(stdout)
    except ValueError as error:
        return f"run --json printed invalid JSON: {error}"
    return check_result_fields(result, "run --json")


def check_result_fields(row, where):
    feasible = bool(row.get("feasible"))
    if feasible:
        for column in FEASIBLE_REQUIRED:
            value = row.get(column)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                return f"{where}: feasible result with {column} = {value!r}"
        for column in NON_NEGATIVE:
            value = row.get(column)
            if isinstance(value, (int, float)) and value < 0:
                return f"{where}: feasible result with negative {column} = {value!r}"
        for part, value in (row.get("area_breakdown_mm2") or {}).items():
            if isinstance(value, (int, float)) and value < 0:
                return f"{where}: negative area component {part} = {value!r}"
        for part, value in (row.get("energy_breakdown_j") or {}).items():
            if isinstance(value, (int, float)) and value < 0:
                return f"{where}: negative energy component {part} = {value!r}"
    else:
        for column in EFFICIENCY:
            if row.get(column) is not None:
                return f"{where}: infeasible result carries {column} = {row.get(column)!r}"
    return None


def check_database(path):
    if not os.path.exists(path):
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "results" not in tables:
            return None
        for row in db.execute("SELECT * FROM results"):
            problem = check_result_fields(dict(row), f"results row {row['result_id'] if 'result_id' in row.keys() else '?'}")
            if problem:
                return problem
        db.close()
    except sqlite3.Error as error:
        return f"cannot read the database written: {error}"
    return None


def run_case(binary, case, workdir):
    """Runs a case's commands; returns None or (category, detail, command)."""
    for name, source in case.copy_dirs.items():
        shutil.copytree(ROOT / source, workdir / name)
    for name, text in case.files.items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        if text is None:   # the seed database
            data = bytearray(SEED_DATABASE["path"].read_bytes())
            if getattr(case, "corrupt", False):
                rng = random.Random(len(case.description))
                for _ in range(rng.randint(1, 20)):
                    at = rng.randrange(len(data))
                    data[at] = rng.randrange(256)
            (workdir / name).write_bytes(bytes(data))
        else:
            (workdir / name).write_text(text, errors="surrogatepass")
    stdin_text = case.files.get("stdin.txt")
    for template, timeout, check in case.commands:
        argv = [part.replace("{dir}", str(workdir)) for part in template]
        try:
            done = subprocess.run([binary] + argv, cwd=ROOT, input=stdin_text, capture_output=True, text=True,
                                  timeout=timeout, errors="replace")
        except subprocess.TimeoutExpired:
            return ("hang", f"no answer after {timeout} s", template)
        if done.returncode < 0 or done.returncode >= 128:
            signal = -done.returncode if done.returncode < 0 else done.returncode - 128
            return ("crash", f"signal {signal}: {crash_reason(done.stderr)}", template)
        if done.returncode not in DOCUMENTED_EXIT_CODES:
            return ("exit-code", f"exit {done.returncode}: {done.stderr.strip()[-400:]}", template)
        if done.returncode != 0:
            if check == "generated-trace":
                return ("bad-output", f"a trace spusim generated is rejected: {done.stderr.strip()[-400:]}", template)
            return None   # refused with a documented code: the later commands need this one's output
        if check is None:
            continue
        problem = check_output(done.stdout) if check != "quantize" else None
        if check == "quantize":
            # The numbers echoed back and NaN/Inf decodes are legitimate here; the encoded column is checked by exit code.
            problem = None
        if not problem and check.startswith("run-json"):
            problem = check_run_json(done.stdout)
        if not problem and check.endswith("+db"):
            db = next((part for part in argv if part.endswith(".sqlite")), None)
            problem = check_database(db) if db else None
        if problem:
            return ("nonsense", problem, template)
    return None


def crash_reason(stderr):
    """The runtime's own line (`File.swift:79: Fatal error: …`), not the register dump."""
    lines = [line.strip() for line in stderr.splitlines()]
    useful = [line for line in lines if "Fatal error" in line or "fatal error" in line or re.search(r"\.swift:\d+", line)]
    return " | ".join(useful[:3])[:400] if useful else (lines[0][:400] if lines else "no message")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=None, help="spusim binary (default: .build/release/spusim)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to fuzz (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; case N uses seed*1000003+N")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="cases in parallel")
    parser.add_argument("--out", default="results/fuzz", help="where findings are written (default results/fuzz)")
    parser.add_argument("--max-findings", type=int, default=50, help="stop after this many findings")
    args = parser.parse_args()

    binary = str(Path(args.binary or ROOT / ".build/release/spusim").resolve())
    if not os.access(binary, os.X_OK):
        sys.exit(f"fuzz: no spusim binary at {binary}; run `swift build -c release --product spusim` first")
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    (out / "findings").mkdir(parents=True)
    scratch = Path(tempfile.mkdtemp(prefix="spusim-fuzz-"))
    make_seed_database(binary, scratch)

    kinds = [g for g, weight in GENERATORS for _ in range(weight)]
    deadline = time.monotonic() + args.seconds
    counts = {}
    findings = []
    lock = threading.Lock()
    next_index = [0]

    def one(index):
        rng = random.Random(args.seed * 1_000_003 + index)
        case = rng.choice(kinds)(rng)
        workdir = scratch / f"case-{index}"
        workdir.mkdir()
        try:
            outcome = run_case(binary, case, workdir)
        finally:
            pass
        with lock:
            counts[case.kind] = counts.get(case.kind, 0) + 1
            if outcome:
                findings.append((index, case, outcome))
                save_finding(out, len(findings), index, case, outcome, workdir)
        shutil.rmtree(workdir, ignore_errors=True)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        running = set()
        while True:
            while len(running) < args.jobs and time.monotonic() < deadline and len(findings) < args.max_findings:
                running.add(pool.submit(one, next_index[0]))
                next_index[0] += 1
            if not running:
                break
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
    shutil.rmtree(scratch, ignore_errors=True)

    total = sum(counts.values())
    by_category = {}
    for _, _, (category, _, _) in findings:
        by_category[category] = by_category.get(category, 0) + 1
    print(f"fuzz: {total} cases in {args.seconds:.0f} s (seed {args.seed}, {args.jobs} jobs): "
          + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))
    print(f"fuzz: {len(findings)} findings: crashes {by_category.get('crash', 0)}, hangs {by_category.get('hang', 0)}, "
          f"undocumented exit codes {by_category.get('exit-code', 0)}, non-finite or invalid output "
          f"{by_category.get('nonsense', 0) + by_category.get('bad-output', 0)}")
    for number, (index, case, (category, detail, template)) in enumerate(findings, 1):
        print(f"  [{number}] case {index} {category}: {case.description}\n      spusim {' '.join(template)}\n      {detail[:300]}")
    if findings:
        print(f"fuzz: reproductions in {out}/findings/")
    return 1 if findings else 0


def save_finding(out, number, index, case, outcome, workdir):
    """Copies the case's files (with their layout) and writes repro.sh, which runs the failing
    command against them from the repository root."""
    category, detail, template = outcome
    target = out / "findings" / f"{number:04d}"
    target.mkdir(parents=True)
    shutil.copytree(workdir, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.sqlite*", "*.lock"))
    (target / "finding.txt").write_text(f"case {index} ({case.kind}): {case.description}\n{category}: {detail}\n")
    stdin = ' < "$D/stdin.txt"' if "stdin.txt" in case.files else ""
    command = " ".join('"' + part.replace("{dir}", "$D") + '"' for part in template)
    (target / "repro.sh").write_text("#!/bin/sh\n# Run from the repository root: sh results/fuzz/findings/NNNN/repro.sh\n"
                                     + 'D="$(cd "$(dirname "$0")" && pwd)"\n'
                                     + f"${{SPUSIM:-.build/release/spusim}} {command}{stdin}\n")


if __name__ == "__main__":
    sys.exit(main())
