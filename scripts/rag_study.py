#!/usr/bin/env python3
"""The RAG study of docs/scheduling.md: RAG serving on the CPU+GPU node and the CPU+GPU+SPU node,
every scheduler, model error 0 and 0.2, as a Markdown table.

Usage (from the repository root, after `swift build -c release --product spusim`):
    python3 scripts/rag_study.py [--requests 64] [--binary .build/release/spusim]
"""
import argparse
import json
import subprocess
import time

SCHEDULERS = ["heft", "cpop", "dmda", "dm", "ws", "eager", "random"]
PLATFORMS = ["cpu-gpu-node", "cpu-gpu-spu-node"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--binary", default=".build/release/spusim")
    args = parser.parse_args()
    started = time.monotonic()
    print("| platform | scheduler | σ | makespan s | plan s | energy J/request | moved GB | decodes on GPU / SPU / CPU |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for platform in PLATFORMS:
        for scheduler in SCHEDULERS:
            for error in ["0", "0.2"]:
                out = subprocess.run([args.binary, "schedule", "--pipeline", "rag", "--requests", str(args.requests),
                                      "--platform", f"configs/platforms/{platform}.json", "--scheduler", scheduler,
                                      "--model-error", error, "--seed", "1", "--json"], capture_output=True, text=True, check=True).stdout
                r = json.loads(out)
                classes = {p["name"]: p["class"] for p in r["processors"]}
                decodes = {"gpu": 0, "spu": 0, "cpu": 0}
                for row in r["schedule"]:
                    if row["task"].endswith(".decode"):
                        decodes[classes[row["processor"]]] += 1
                plan = f'{r["planned_makespan_s"]:.3f}' if "planned_makespan_s" in r else "–"
                print(f'| {platform} | {scheduler} | {error} | {r["makespan_s"]:.3f} | {plan} | {r["energy_j"] / args.requests:.0f} | '
                      f'{r["bytes_moved"] / 1e9:.1f} | {decodes["gpu"]} / {decodes["spu"]} / {decodes["cpu"]} |')
    print(f"\n({len(PLATFORMS) * len(SCHEDULERS) * 2} runs in {time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
