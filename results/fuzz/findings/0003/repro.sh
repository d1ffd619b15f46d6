#!/bin/sh
# Run from the repository root: sh results/fuzz/findings/NNNN/repro.sh
D="$(cd "$(dirname "$0")" && pwd)"
${SPUSIM:-.build/release/spusim} "run" "--arch" "$D/design.json" "--workload" "workloads/traces/transformer-gemms.json" "--db" "$D/r.sqlite" "--json"
