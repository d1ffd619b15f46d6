#!/usr/bin/env bash
# Run a sweep as a Slurm job array: one shard per array task, then merge.
#
#   sbatch --array=1-16 scripts/slurm-sweep.sh configs/sweeps/exploration.json
#   # when all tasks are done:
#   spusim merge results/exploration.sqlite results/shards/exploration-*.sqlite
#
#SBATCH --job-name=spusim-sweep
#SBATCH --cpus-per-task=8
#SBATCH --time=02:00:00
#SBATCH --output=results/shards/%x-%A_%a.log
set -euo pipefail
config=${1:?usage: sbatch --array=1-N scripts/slurm-sweep.sh CONFIG}
k=${SLURM_ARRAY_TASK_ID:?run as a job array}
n=${SLURM_ARRAY_TASK_COUNT:?run as a job array}
name=$(basename "$config" .json)
mkdir -p results/shards
# --resume makes a requeued task continue where it stopped.
exec .build/release/spusim sweep "$config" --db "results/shards/${name}-${k}.sqlite" \
    --jobs "${SLURM_CPUS_PER_TASK:-8}" --shard "${k}/${n}" --resume
