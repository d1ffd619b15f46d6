#!/bin/sh
# Run from the repository root: sh results/fuzz/findings/NNNN/repro.sh
D="$(cd "$(dirname "$0")" && pwd)"
${SPUSIM:-.build/release/spusim} "fleet" "--model" "workloads/models/llama-3-8b.json" "--queries-per-day" "1e9" "--slo-ttft-ms" "3" "--arch" "configs/chips/spu-datacenter.json"
