#!/bin/sh
# Run from the repository root: sh results/fuzz/findings/NNNN/repro.sh
D="$(cd "$(dirname "$0")" && pwd)"
${SPUSIM:-.build/release/spusim} "validate" "$D/design.json"
