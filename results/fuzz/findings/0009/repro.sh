#!/bin/sh
# Run from the repository root: sh results/fuzz/findings/NNNN/repro.sh
D="$(cd "$(dirname "$0")" && pwd)"
${SPUSIM:-.build/release/spusim} "run" "--arch" "configs/chips/spu-datacenter.json" "--workload" "$D/trace.json" "--no-store" "--json"
