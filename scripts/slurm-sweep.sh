#!/usr/bin/env bash
# Submit a sweep to Slurm: a job array of N shards, then a merge job that runs when every shard
# has succeeded. docs/cluster.md has the whole story (multi-node clusters, monitoring, requeue,
# Kubernetes); scripts/slurm-local-test.sh runs this script end to end on a one-node cluster.
#
#   scripts/slurm-sweep.sh [OPTIONS] CONFIG N
#
# Run it on a login node, from the directory the config's paths are relative to (normally the
# repository root), on a filesystem every compute node mounts at the same path. It submits:
#
#   shards  sbatch --array=1-N --requeue: task K runs
#             spusim sweep CONFIG --shard K/N --resume --jobs CPUS --db OUT/shards/NAME-K.sqlite
#           logging to OUT/shards/NAME-K.log (appended across attempts).
#   merge   sbatch --dependency=afterok:ARRAY: runs
#             spusim merge OUT/NAME.sqlite OUT/shards/NAME-1.sqlite … OUT/shards/NAME-N.sqlite
#           logging to OUT/NAME-merge.log.
#
# Requeue and resume. Every shard runs with --resume, so a shard that starts again continues its
# run, skipping the pairs already stored (a kill -9 loses at most the batch in flight). A shard
# starts again when
#   - Slurm requeues it (--requeue: node failure, preemption with PreemptMode=REQUEUE,
#     `scontrol requeue JOBID`), or
#   - its spusim exits non-zero (killed by a signal, out of memory, an I/O error, …): the task
#     then requeues itself with `scontrol requeue`, at most --retries times per task
#     (SLURM_RESTART_COUNT counts the restarts, Slurm's own included).
# Slurm holds a requeued task back for cred_expire + 1 s (AuthInfo; 120 s by default).
# A task cancelled with scancel, or stopped at its time limit, is not requeued (the wrapper dies
# with the step); `scontrol requeue ARRAY_K` continues it. The merge job waits while a task is
# requeued; if a task ends failed, the merge job is cancelled (--kill-on-invalid-dep) and you run
# the merge yourself once the shard is done (the command is in OUT/NAME-merge.cmd).
#
# Options:
#   --spusim PATH      spusim binary, on the shared filesystem (default: .build/release/spusim)
#   --out DIR          output directory (default: results)
#   --name NAME        name of the shard files, merged database and jobs (default: the config's
#                      file name without .json)
#   --cpus N           CPUs per shard task: --cpus-per-task and spusim --jobs (default: 8)
#   --partition P      partition for both jobs (default: the cluster's default partition)
#   --time T           time limit per shard task (default: 02:00:00); the merge gets 00:30:00
#   --retries N        self-requeues per task after a non-zero exit (default: 3; 0 disables)
#   --sbatch-arg ARG   extra sbatch argument for both jobs, repeatable (e.g. --sbatch-arg=--account=abc)
#   --dry-run          check the config and print the sbatch commands without submitting
#
# Before submitting, `spusim sweep CONFIG --dry-run` checks the config (so a bad config fails
# here, not in N tasks). Prints the job ids as `array_job=ID` and `merge_job=ID` lines.
#
# (The script also runs inside the jobs: sbatch starts a copy of it with --task-shard or
# --task-merge; those modes are not for direct use.)
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 64; }
die() { echo "slurm-sweep.sh: $*" >&2; exit 64; }

# ---- inside the jobs --------------------------------------------------------------------------
if [ "${1:-}" = "--task-shard" ]; then
  # --task-shard SPUSIM CONFIG N CPUS RETRIES SHARD_PREFIX (the database is SHARD_PREFIX-K.sqlite)
  shift
  spusim=$1 config=$2 n=$3 cpus=$4 retries=$5 prefix=$6
  k=${SLURM_ARRAY_TASK_ID:?--task-shard runs as a Slurm array task}
  restarts=${SLURM_RESTART_COUNT:-0}
  stamp() { date -u +%FT%TZ; }
  echo "[$(stamp)] shard $k/$n: job $SLURM_JOB_ID (${SLURM_ARRAY_JOB_ID}_$k) on $(hostname), attempt $((restarts + 1))"
  status=0
  "$spusim" sweep "$config" --shard "$k/$n" --resume --jobs "$cpus" --db "$prefix-$k.sqlite" || status=$?
  echo "[$(stamp)] shard $k/$n: spusim exited with status $status"
  if [ "$status" -ne 0 ] && [ "$restarts" -lt "$retries" ]; then
    echo "[$(stamp)] shard $k/$n: requeueing (restart $((restarts + 1)) of at most $retries); the next attempt resumes"
    # Slurm ends this attempt (SIGTERM) and queues the next; wait for that rather than end as failed.
    if scontrol requeue "$SLURM_JOB_ID"; then sleep 300; fi
  fi
  exit "$status"
fi
if [ "${1:-}" = "--task-merge" ]; then
  # --task-merge SPUSIM OUT SHARD…
  shift
  spusim=$1 out=$2
  shift 2
  echo "[$(date -u +%FT%TZ)] merging $# shards into $out on $(hostname), job ${SLURM_JOB_ID:-?}"
  "$spusim" merge "$out" "$@"
  echo "[$(date -u +%FT%TZ)] merged"
  exit 0
fi

# ---- on the login node: submit -----------------------------------------------------------------
spusim=.build/release/spusim out=results name="" cpus=8 partition="" time_limit=02:00:00 retries=3 dry_run=0
extra=()
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --spusim) spusim=${2:?--spusim needs a path}; shift 2 ;;
    --spusim=*) spusim=${1#*=}; shift ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --name) name=${2:?--name needs a name}; shift 2 ;;
    --name=*) name=${1#*=}; shift ;;
    --cpus) cpus=${2:?--cpus needs a number}; shift 2 ;;
    --cpus=*) cpus=${1#*=}; shift ;;
    --partition) partition=${2:?--partition needs a name}; shift 2 ;;
    --partition=*) partition=${1#*=}; shift ;;
    --time) time_limit=${2:?--time needs a limit}; shift 2 ;;
    --time=*) time_limit=${1#*=}; shift ;;
    --retries) retries=${2:?--retries needs a number}; shift 2 ;;
    --retries=*) retries=${1#*=}; shift ;;
    --sbatch-arg) extra+=("${2:?--sbatch-arg needs an argument}"); shift 2 ;;
    --sbatch-arg=*) extra+=("${1#*=}"); shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage ;;
    --) shift; positional+=("$@"); break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -eq 2 ] || usage
config=${positional[0]} shards=${positional[1]}
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$shards'"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus must be a positive integer, got '$cpus'"
[[ "$retries" =~ ^[0-9]+$ ]] || die "--retries must be a non-negative integer, got '$retries'"
[ -f "$config" ] || die "$config: no such file"
[ -x "$spusim" ] || die "$spusim: not an executable (build it: swift build -c release --product spusim)"
if [ "$dry_run" -eq 0 ]; then
  command -v sbatch >/dev/null 2>&1 || die "sbatch not found (run this on a Slurm login node)"
fi

# Absolute paths: the jobs start in this directory (--chdir) but on other machines.
abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }
spusim=$(abs "$spusim") config=$(abs "$config") out=$(abs "$out")
[ -n "$name" ] || name=$(basename "$config" .json)
shard_dir="$out/shards"
merged="$out/$name.sqlite"

# A bad config fails here, once, rather than in every task.
dry=$("$spusim" sweep "$config" --shard "1/$shards" --dry-run) || die "$config: the dry run failed (above)"
case "$dry" in
  *"strategy nsga2"*) die "$config: NSGA-II sweeps cannot be sharded (each generation depends on the last); run it as one job" ;;
esac

common=(--chdir="$PWD" --export=ALL "${extra[@]}")
[ -z "$partition" ] || common+=(--partition="$partition")
shard_dbs=()
for k in $(seq 1 "$shards"); do shard_dbs+=("$shard_dir/$name-$k.sqlite"); done

script=$(abs "$0")
array_cmd=(sbatch --parsable "${common[@]}" --job-name="spusim-$name" --array="1-$shards" --requeue
           --cpus-per-task="$cpus" --ntasks=1 --nodes=1 --time="$time_limit"
           --output="$shard_dir/$name-%a.log" --open-mode=append
           "$script" --task-shard "$spusim" "$config" "$shards" "$cpus" "$retries" "$shard_dir/$name")
merge_cmd=(sbatch --parsable "${common[@]}" --job-name="spusim-$name-merge" --ntasks=1 --nodes=1 --cpus-per-task=1
           --time=00:30:00 --kill-on-invalid-dep=yes --output="$out/$name-merge.log" --open-mode=append)

if [ "$dry_run" -eq 1 ]; then
  echo "would run:"
  printf '  %q' "${array_cmd[@]}"; echo
  printf '  %q' "${merge_cmd[@]}" "--dependency=afterok:ARRAY" "$script" --task-merge "$spusim" "$merged" "${shard_dbs[@]}"; echo
  exit 0
fi

mkdir -p "$shard_dir"
printf '%q ' "$spusim" merge "$merged" "${shard_dbs[@]}" >"$out/$name-merge.cmd"
echo >>"$out/$name-merge.cmd"
array_job=$("${array_cmd[@]}")
array_job=${array_job%%;*}
merge_job=$("${merge_cmd[@]}" --dependency="afterok:$array_job" "$script" --task-merge "$spusim" "$merged" "${shard_dbs[@]}")
merge_job=${merge_job%%;*}
echo "submitted $shards shards of $(basename "$config") as array job $array_job (logs $shard_dir/$name-K.log)"
echo "merge job $merge_job runs after every shard succeeds: $merged (log $out/$name-merge.log)"
echo "array_job=$array_job"
echo "merge_job=$merge_job"
