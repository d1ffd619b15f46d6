#!/usr/bin/env bash
# End-to-end test of scripts/slurm-sweep.sh on a real, one-node Slurm cluster on this machine.
#
# Installs Debian's slurmctld, slurmd, slurm-client and munge when they are missing, starts munged,
# slurmctld and slurmd in the foreground as background processes (no systemd needed) with a
# minimal slurm.conf, key and state in a temporary directory (SLURM_CONF points at it; free
# ports; nothing in /etc is used), then:
#   1. submits scripts/slurm-test-sweep.json as 3 shards plus a merge job (slurm-sweep.sh);
#   2. kill -9s shard 2's spusim once it has stored some rows, and checks that the task requeued
#      itself, ran again (Restarts=1) and resumed: the second attempt reports exactly the rows
#      the first had stored as "already stored (resumed)";
#   3. waits for the merge job, runs the same sweep on this machine alone, and checks that the
#      merged database equals it row for row: every table, every column, ordered, except the
#      columns that legitimately differ (results.id, the insertion order; runs.started_at,
#      finished_at, duration_s and command).
# Stops every daemon and job process it started and removes the temporary directory on exit.
#
# Needs root (re-runs itself with `sudo -n` otherwise). Prints "SKIPPED: slurm local test (why)"
# and exits 0 only when the packages cannot be installed or the daemons cannot start here.
# Every wait has a limit: the test fails after SLURM_TEST_TIMEOUT seconds (default 300, counted
# after the package install, which has its own 180 s limit).
#
#   SPUSIM=.build/release/spusim bash scripts/slurm-local-test.sh   # builds the release binary when SPUSIM is unset
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
CONFIG=scripts/slurm-test-sweep.json
SHARDS=3
KILL_SHARD=2
KILL_AFTER_ROWS=300

skip() { echo "SKIPPED: slurm local test ($*)"; exit 0; }

# The binary, built as the calling user (before any sudo).
if [ -z "${SPUSIM:-}" ]; then
  swift build -c release --product spusim
  SPUSIM="$(swift build -c release --show-bin-path)/spusim"
fi
case "$SPUSIM" in /*) ;; *) SPUSIM="$REPO/$SPUSIM" ;; esac
[ -x "$SPUSIM" ] || { echo "FAIL: $SPUSIM is not an executable" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n env "PATH=$PATH" "SPUSIM=$SPUSIM" "SLURM_TEST_TIMEOUT=${SLURM_TEST_TIMEOUT:-300}" bash "$0" "$@"
  fi
  skip "needs root or passwordless sudo to run slurmd"
fi

# ---- packages ------------------------------------------------------------------------------------
PATH="$PATH:/usr/sbin:/sbin"
have_all() { for c in slurmctld slurmd sbatch squeue scontrol sinfo scancel munged munge unmunge; do command -v "$c" >/dev/null 2>&1 || return 1; done; }
if ! have_all; then
  command -v apt-get >/dev/null 2>&1 || skip "slurm is not installed and apt-get is unavailable"
  echo "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  if ! { timeout 180 apt-get -o DPkg::Lock::Timeout=60 update -qq &&
         timeout 180 apt-get -o DPkg::Lock::Timeout=60 install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge; } >/tmp/slurm-local-test-apt.log 2>&1; then
    tail -5 /tmp/slurm-local-test-apt.log
    skip "apt-get could not install slurmctld slurmd slurm-client munge"
  fi
  have_all || skip "the Slurm or munge commands are missing after the install"
fi

# ---- time limits ---------------------------------------------------------------------------------
BUDGET=${SLURM_TEST_TIMEOUT:-300}
T0=$SECONDS
elapsed() { echo $((SECONDS - T0)); }
left() { echo $((BUDGET - (SECONDS - T0))); }
say() { printf '[%3ds] %s\n' "$(elapsed)" "$*"; }
fail() {
  echo "FAIL: slurm local test: $*" >&2
  if [ -n "${TMP:-}" ] && [ -d "$TMP" ]; then
    for f in "$TMP"/log/*.log "$TMP"/results/shards/*.log "$TMP"/results/*.log; do
      [ -f "$f" ] || continue
      echo "--- $f (last 15 lines)" >&2
      grep -v '^progress' "$f" | tail -15 >&2
    done
  fi
  exit 1
}
# wait_until DESCRIPTION SECONDS COMMAND…: polls COMMAND every 0.2 s until it succeeds; fails the
# test after SECONDS or when the overall budget runs out.
wait_until() {
  local what=$1 limit=$2
  shift 2
  local deadline=$((SECONDS + limit)) hard=$((T0 + BUDGET))
  [ "$deadline" -le "$hard" ] || deadline=$hard
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# ---- the cluster ---------------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/spusim-slurm.XXXXXX)
chmod 755 "$TMP"
CONF="$TMP/slurm.conf"
DAEMONS=()
# Processes of this test's cluster, by PID: those with SLURM_CONF=$CONF in their environment (the
# daemons, job scripts, spusim) or a file open under $TMP (slurmstepd, which overwrites its
# environment with its title). $TMP is a fresh mktemp path, so no other process matches.
cluster_pids() {
  local dir p
  for dir in /proc/[0-9]*; do
    p=${dir#/proc/}
    [ "$p" = "$$" ] && continue
    if tr '\0' '\n' 2>/dev/null <"$dir/environ" | grep -qxF "SLURM_CONF=$CONF" ||
       find "$dir/fd" -mindepth 1 -maxdepth 1 -lname "$TMP/*" 2>/dev/null | grep -q .; then
      echo "$p"
    fi
  done
}
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ -f "$CONF" ] && [ ${#DAEMONS[@]} -gt 0 ]; then
    # Cancel what is left and let slurmd finish the steps while it still runs.
    local jobs
    jobs=$(SLURM_CONF=$CONF timeout 10 squeue -h -o %A 2>/dev/null | sort -u)
    if [ -n "$jobs" ]; then
      SLURM_CONF=$CONF timeout 10 scancel $jobs 2>/dev/null
      for _ in $(seq 1 50); do
        [ -z "$(SLURM_CONF=$CONF timeout 5 squeue -h -o %A 2>/dev/null)" ] && break
        sleep 0.2
      done
    fi
  fi
  local pid alive
  for pid in "${DAEMONS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 25); do
    alive=0
    for pid in "${DAEMONS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${DAEMONS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  if [ -n "${TMP:-}" ] && [ -d "$TMP" ]; then
    for _ in 1 2 3; do
      pids=$(cluster_pids)
      [ -z "$pids" ] && break
      kill -KILL $pids 2>/dev/null
      sleep 0.5
    done
    rm -rf "$TMP"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$TMP/munge" "$TMP/state" "$TMP/spool" "$TMP/log"
chmod 755 "$TMP/munge"

# munge: a fresh key and a private socket.
if command -v mungekey >/dev/null 2>&1; then
  mungekey --create --keyfile="$TMP/munge/munge.key" || skip "mungekey failed"
else
  dd if=/dev/urandom of="$TMP/munge/munge.key" bs=1 count=1024 status=none
fi
chmod 600 "$TMP/munge/munge.key"
MUNGE_SOCKET="$TMP/munge/munge.socket"
munged -F --force --socket="$MUNGE_SOCKET" --key-file="$TMP/munge/munge.key" --pid-file="$TMP/munge/munged.pid" \
  --seed-file="$TMP/munge/munged.seed" --log-file="$TMP/log/munged.log" >>"$TMP/log/munged.log" 2>&1 &
DAEMONS+=($!)
munge_ok() { munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; }
wait_until "munged" 15 munge_ok || { tail -5 "$TMP/log/munged.log"; skip "munged did not start"; }

# Two free TCP ports (a connection attempt that fails means nobody listens there).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 30000))
    if [ "$p" != "${1:-}" ] && port_free "$p"; then echo "$p"; return 0; fi
  done
  return 1
}
CTLD_PORT=$(pick_port) || skip "no free TCP port"
SLURMD_PORT=$(pick_port "$CTLD_PORT") || skip "no free TCP port"

HOST=$(hostname -s 2>/dev/null || hostname)
CPUS=$(getconf _NPROCESSORS_ONLN)
MEM_MB=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
cat >"$CONF" <<EOF
# One-node test cluster of scripts/slurm-local-test.sh (removed when the test ends).
ClusterName=spusimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also delays a requeued job's next start (cred_expire + 1 s; default 120 s).
AuthInfo=socket=$MUNGE_SOCKET,cred_expire=10
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobRequeue=1
ReturnToService=2
MinJobAge=600
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=spusim Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$CONF

slurmctld -D -c -i >>"$TMP/log/slurmctld.out" 2>&1 &
DAEMONS+=($!)
slurmd -D -N "$HOST" >>"$TMP/log/slurmd.out" 2>&1 &
DAEMONS+=($!)
node_idle() { [ "$(timeout 5 sinfo -h -n "$HOST" -o %T 2>/dev/null)" = idle ]; }
if ! wait_until "node idle" 60 node_idle; then
  for f in slurmctld.out slurmd.out slurmctld.log slurmd.log; do
    [ -f "$TMP/log/$f" ] && { echo "--- $f"; grep -v 'pmix\|MPI' "$TMP/log/$f" | tail -5; }
  done
  skip "slurmctld/slurmd did not start a usable node within 60 s"
fi
say "cluster up: $(slurmctld -V), node $HOST with $CPUS CPUs, ports $CTLD_PORT/$SLURMD_PORT, in $TMP"

# ---- submit --------------------------------------------------------------------------------------
OUT="$TMP/results"
submit=$(bash scripts/slurm-sweep.sh --spusim "$SPUSIM" --out "$OUT" --cpus 1 --partition spusim --time 00:10:00 \
           --retries 2 "$CONFIG" "$SHARDS") || fail "slurm-sweep.sh failed: $submit"
echo "$submit" | sed 's/^/    /'
ARRAY=$(echo "$submit" | sed -n 's/^array_job=//p')
MERGE=$(echo "$submit" | sed -n 's/^merge_job=//p')
[ -n "$ARRAY" ] && [ -n "$MERGE" ] || fail "no job ids in the output of slurm-sweep.sh"
NAME=$(basename "$CONFIG" .json)
say "submitted array job $ARRAY ($SHARDS shards) and merge job $MERGE"

# job_field JOB FIELD: one field of `scontrol show job` (the first task's, for a whole array).
job_field() { timeout 10 scontrol -o show job "$1" 2>/dev/null | head -1 | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
stored_rows() {
  [ -f "$1" ] || { echo 0; return; }
  timeout 20 "$SPUSIM" query --db "$1" --sql "SELECT COUNT(*) FROM results" --format csv 2>/dev/null | tail -1 | grep -E '^[0-9]+$' || echo 0
}

# ---- kill one shard mid-way ----------------------------------------------------------------------
TASK="${ARRAY}_${KILL_SHARD}"
KILL_DB="$OUT/shards/$NAME-$KILL_SHARD.sqlite"
task_started() { case "$(job_field "$TASK" JobState)" in ""|PENDING|CONFIGURING) return 1 ;; esac; }
wait_until "shard $KILL_SHARD running" 120 task_started || fail "shard $KILL_SHARD ($TASK) did not start"
TASK_JOB=$(job_field "$TASK" JobId)
# The job's spusim process (scontrol listpids: the processes Slurm tracks for the job). It is
# frozen (SIGSTOP) as soon as it is found and then let run in 50 ms slices until it has stored
# some rows, so the kill lands mid-way however fast the sweep runs.
victim=""
find_victim() {
  for pid in $(timeout 10 scontrol listpids "$TASK_JOB" 2>/dev/null | awk 'NR > 1 { print $1 }'); do
    if [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$SPUSIM")" ]; then
      victim=$pid
      kill -STOP "$victim" 2>/dev/null
      return 0
    fi
  done
  [ "$(job_field "$TASK" JobState)" = RUNNING ] || return 0
  return 1
}
wait_until "shard $KILL_SHARD's spusim" 60 find_victim || fail "no spusim process found in job $TASK_JOB"
[ -n "$victim" ] || fail "shard $KILL_SHARD finished before its spusim could be found (make $CONFIG bigger)"
rows_reached() {
  kill -0 "$victim" 2>/dev/null || return 0
  kill -CONT "$victim" 2>/dev/null; sleep 0.05; kill -STOP "$victim" 2>/dev/null
  [ "$(stored_rows "$KILL_DB")" -ge "$KILL_AFTER_ROWS" ]
}
wait_until "rows in shard $KILL_SHARD" 120 rows_reached || fail "shard $KILL_SHARD stored no rows within the limit"
kill -0 "$victim" 2>/dev/null || fail "shard $KILL_SHARD finished before it could be killed (make $CONFIG bigger)"
kill -KILL "$victim"
victim_gone() { ! kill -0 "$victim" 2>/dev/null; }
wait_until "spusim gone" 10 victim_gone || fail "pid $victim survived kill -9"
ROWS_AT_KILL=$(stored_rows "$KILL_DB")
say "kill -9 shard $KILL_SHARD's spusim (pid $victim, job $TASK_JOB) with $ROWS_AT_KILL rows stored"

requeued() { [ "$(job_field "$TASK" Restarts)" -ge 1 ] 2>/dev/null; }
wait_until "requeue" 30 requeued || fail "shard $KILL_SHARD was not requeued (state $(job_field "$TASK" JobState))"
say "shard $KILL_SHARD requeued (Restarts=$(job_field "$TASK" Restarts), state $(job_field "$TASK" JobState), eligible $(job_field "$TASK" EligibleTime))"

# ---- wait for the shards and the merge -----------------------------------------------------------
merge_done() {
  local state
  state=$(job_field "$MERGE" JobState)
  case "$state" in
    COMPLETED) return 0 ;;
    PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED) return 1 ;;
    *) fail "merge job $MERGE ended $state (reason $(job_field "$MERGE" Reason))" ;;
  esac
}
wait_until "merge" "$(left)" merge_done || fail "the merge job did not finish within the ${BUDGET}s budget (state $(job_field "$MERGE" JobState))"
for k in $(seq 1 "$SHARDS"); do
  state=$(job_field "${ARRAY}_$k" JobState)
  [ "$state" = COMPLETED ] || fail "shard $k ended $state"
done
say "all shards and the merge job COMPLETED"

log="$OUT/shards/$NAME-$KILL_SHARD.log"
grep -q "attempt 2" "$log" || fail "no second attempt in $log"
resumed=$(sed -n 's/.*; \([0-9][0-9]*\) already stored (resumed).*/\1/p' "$log" | tail -1)
[ -n "$resumed" ] || fail "the second attempt of shard $KILL_SHARD did not resume (no 'already stored (resumed)' in $log)"
[ "$resumed" = "$ROWS_AT_KILL" ] || fail "shard $KILL_SHARD resumed with $resumed rows stored, but $ROWS_AT_KILL were stored when it was killed"
say "shard $KILL_SHARD attempt 2 resumed: $(grep -o 'evaluated [0-9]* design × workload pairs[^;]*; [0-9]* already stored (resumed)' "$log" | tail -1)"

# ---- the same sweep on one machine ---------------------------------------------------------------
SINGLE="$TMP/single.sqlite"
MERGED="$OUT/$NAME.sqlite"
[ -f "$MERGED" ] || fail "no merged database at $MERGED"
budget=$(left)
[ "$budget" -gt 0 ] || fail "no time left for the single-machine run"
timeout "$budget" "$SPUSIM" sweep "$CONFIG" --db "$SINGLE" --jobs "$CPUS" >"$TMP/log/single.log" 2>&1 ||
  fail "the single-machine sweep failed or timed out: $(tail -3 "$TMP/log/single.log")"
say "single-machine run: $(grep -o 'evaluated [0-9]* design × workload pairs in [0-9.]* s' "$TMP/log/single.log")"

# ---- merged == single, row for row ---------------------------------------------------------------
# Columns that legitimately differ: the row id of a result (merge inserts shard by shard) and the
# run's timestamps, duration and command line. Everything else must be equal.
exclude() {
  case "$1" in
    results) echo "id" ;;
    runs) echo "started_at finished_at duration_s command" ;;
  esac
}
order_of() {
  case "$1" in
    results) echo "point_index, design_hash, workload_hash" ;;
    designs|workloads) echo "hash" ;;
    *) echo "" ;;   # every selected column, in order
  esac
}
q() { timeout 60 "$SPUSIM" query --db "$1" --sql "$2" --format csv; }
tables=$(q "$SINGLE" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name" | tail -n +2)
[ "$tables" = "$(q "$MERGED" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name" | tail -n +2)" ] ||
  fail "the merged database has other tables than the single-machine one"
summary=""
for table in $tables; do
  skipcols=" $(exclude "$table") "
  cols=()
  for c in $(q "$SINGLE" "SELECT name FROM pragma_table_info('$table') ORDER BY cid" | tail -n +2); do
    [[ "$skipcols" == *" $c "* ]] || cols+=("$c")
  done
  [ "$(q "$SINGLE" "SELECT group_concat(name, ',') FROM pragma_table_info('$table')" | tail -1)" = \
    "$(q "$MERGED" "SELECT group_concat(name, ',') FROM pragma_table_info('$table')" | tail -1)" ] ||
    fail "table $table has other columns in the merged database"
  select=$(printf 'quote("%s"), ' "${cols[@]}"); select=${select%, }
  order=$(order_of "$table")
  if [ -z "$order" ]; then order=$(seq -s, 1 "${#cols[@]}"); fi
  sql="SELECT $select FROM \"$table\" ORDER BY $order"
  q "$SINGLE" "$sql" >"$TMP/single-$table.csv" || fail "query of $table failed (single)"
  q "$MERGED" "$sql" >"$TMP/merged-$table.csv" || fail "query of $table failed (merged)"
  if ! cmp -s "$TMP/single-$table.csv" "$TMP/merged-$table.csv"; then
    diff "$TMP/single-$table.csv" "$TMP/merged-$table.csv" | head -6 >&2
    fail "table $table differs between the merged and the single-machine database"
  fi
  n=$(($(wc -l <"$TMP/single-$table.csv") - 1))
  [ "$n" -eq 0 ] || summary+="$table $n, "
done
runs=$(q "$MERGED" "SELECT COUNT(*) || ' ' || MIN(status) || ' ' || COALESCE(MIN(shard), '-') FROM runs" | tail -1)
[ "$runs" = "1 finished -" ] || fail "the merged database should hold one finished unsharded run, has: $runs"
say "merged database equals the single-machine run row for row (${summary%, }; all columns but results.id and runs.started_at/finished_at/duration_s/command)"
say "PASS: slurm local test"
