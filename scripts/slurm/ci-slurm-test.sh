#!/bin/bash
# End-to-end Slurm test of sharded sweeps on a throwaway single-node cluster (localhost).
#
#   sudo scripts/slurm/ci-slurm-test.sh KIZUNA_BIN [SWEEP.toml [SHARDS [kizuna sweep args...]]]
#   sudo scripts/slurm/ci-slurm-test.sh --selftest
#
# As root and non-interactively: installs Debian's slurm-wlm and munge if missing, starts munged,
# slurmctld and slurmd, submits SWEEP (default scripts/slurm/ci-sweep.toml) as a job array of
# SHARDS (default 3) tasks with scripts/slurm/sweep.sbatch (each task runs
# `kizuna sweep SWEEP --shard K/N --out OUT/shard-K --resume ARGS`), then `kizuna merge
# OUT/shard-1 … OUT/shard-N --out OUT/merged` in a dependent job (afterok), runs the same sweep
# locally (`kizuna sweep SWEEP --out local ARGS`) and compares runs.csv, points.csv, their .parquet twins,
# manifest.json (and morris.csv) byte for byte. The scripts run as documented: shards draw no
# plots and the merge job plots (no --no-plots anywhere). ARGS defaults, for the default sweep
# only, to --set's that shorten each run of the base to 1992–2000 without shocks or events
# (~0.05 s a run); for another sweep it defaults to none. Stops the daemons it
# started, by pid, on exit. With --selftest it only runs a trivial `sbatch --wrap` array job and
# a dependent job (no kizuna needed).
#
# Exit status: 0 on PASS, or with "SKIPPED: slurm could not start: <reason>" if Slurm cannot be
# installed or started here; 1 if a job fails or the merged files differ from the local run.
set -euo pipefail

SELFTEST=0
if [ "${1:-}" = "--selftest" ]; then SELFTEST=1; shift; fi
HERE=$(cd "$(dirname "$0")" && pwd)
T0=$(date +%s)
if [ "$SELFTEST" = 0 ]; then
  KIZUNA=$(realpath "${1:?usage: ci-slurm-test.sh KIZUNA_BIN [SWEEP.toml [SHARDS [kizuna sweep args...]]]}")
  [ -x "$KIZUNA" ] || { echo "FAIL: $KIZUNA is not executable" >&2; exit 1; }
  if [ $# -ge 2 ]; then
    SWEEP=$(realpath "$2")
    SWEEP_ARGS=()
  else
    SWEEP=$HERE/ci-sweep.toml
    SWEEP_ARGS=(--set horizon.end=2000Q4 --set 'shocks=[]' --set 'events=[]')
  fi
  SHARDS=${3:-3}
  if [ $# -ge 4 ]; then SWEEP_ARGS=("${@:4}"); fi
  [ -f "$SWEEP" ] || { echo "FAIL: sweep file $SWEEP not found" >&2; exit 1; }
fi

skip() { echo "SKIPPED: slurm could not start: $*"; exit 0; }

STARTED_PIDS=()
WORK=$(mktemp -d /tmp/kizuna-slurm-ci.XXXXXX)
chmod 755 "$WORK"

teardown() {
  local rc=$?
  set +e
  # Stop only the daemons this script started, newest first.
  for ((i=${#STARTED_PIDS[@]}-1; i>=0; i--)); do
    pid=${STARTED_PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  done
  if [ "$rc" != 0 ] && [ -d /var/log/slurm ]; then
    echo "--- slurm logs (last lines) ---" >&2
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log 2>/dev/null >&2
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap teardown EXIT

[ "$(id -u)" = 0 ] || skip "not running as root"

export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null) \
    || skip "apt-get install slurm-wlm munge failed"
fi
command -v slurmctld >/dev/null || skip "slurmctld not installed"

# munge
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key || skip "cannot create munge key"
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged || skip "munged failed to start"
  for _ in $(seq 1 20); do [ -s /run/munge/munged.pid ] && break; sleep 0.25; done
  [ -s /run/munge/munged.pid ] && STARTED_PIDS+=("$(cat /run/munge/munged.pid)")
  munge -n | unmunge >/dev/null || skip "munge self-test failed"
fi

# slurm
if sinfo -h >/dev/null 2>&1; then
  skip "a Slurm controller is already running here; refusing to reconfigure it"
fi
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2/1024) - 512}' /proc/meminfo)
install -d -o slurm -g slurm /var/spool/slurmctld /var/log/slurm
install -d /var/spool/slurmd /run/slurm /etc/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ci
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
rm -f /run/slurm/slurmctld.pid /run/slurm/slurmd.pid
/usr/sbin/slurmctld || skip "slurmctld failed to start"
for _ in $(seq 1 20); do [ -s /run/slurm/slurmctld.pid ] && break; sleep 0.25; done
[ -s /run/slurm/slurmctld.pid ] || skip "slurmctld wrote no pid file"
STARTED_PIDS+=("$(cat /run/slurm/slurmctld.pid)")
/usr/sbin/slurmd -N localhost || skip "slurmd failed to start"
for _ in $(seq 1 20); do [ -s /run/slurm/slurmd.pid ] && break; sleep 0.25; done
[ -s /run/slurm/slurmd.pid ] || skip "slurmd wrote no pid file"
STARTED_PIDS+=("$(cat /run/slurm/slurmd.pid)")
state=""
for _ in $(seq 1 30); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  echo "$state" | grep -qE '^(idle|mixed|allocated)' && break
  sleep 1
done
echo "$state" | grep -qE '^(idle|mixed|allocated)' || skip "node not idle after 30 s (state: ${state:-none})"
echo "slurm up: $(sinfo -h | head -1)"

if [ "$SELFTEST" = 1 ]; then
  cd "$WORK"
  timeout 120 sbatch --wait --array=1-3 --output="$WORK/out-%A_%a.txt" \
    --wrap 'echo "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT"' >/dev/null
  got=$(cat "$WORK"/out-*_*.txt | sort | tr '\n' ' ')
  [ "$got" = "1/3 2/3 3/3 " ] || { echo "FAIL: array job printed '$got'" >&2; exit 1; }
  JOBID=$(sbatch --parsable --array=1-2 --output=/dev/null --wrap 'true')
  timeout 120 sbatch --wait --dependency="afterok:${JOBID%%;*}" --kill-on-invalid-dep=yes \
    --output="$WORK/dep.txt" --wrap 'echo dependent-ok' >/dev/null
  grep -q dependent-ok "$WORK/dep.txt" || { echo "FAIL: dependent job did not run" >&2; exit 1; }
  echo "PASS: slurm selftest (array job 1/3..3/3 and afterok dependency)"
  exit 0
fi

cd "$WORK"
OUT="$WORK/slurm"
mkdir -p "$OUT"
export KIZUNA
JOBID=$(sbatch --parsable --array="1-$SHARDS" --output="$OUT/slurm-%A_%a.out" \
  "$HERE/sweep.sbatch" "$SWEEP" "$OUT" ${SWEEP_ARGS[@]+"${SWEEP_ARGS[@]}"})
JOBID=${JOBID%%;*}
echo "submitted array job $JOBID: $SHARDS shards of $(basename "$SWEEP")"
SHARD_DIRS=$(for k in $(seq 1 "$SHARDS"); do printf '%q ' "$OUT/shard-$k"; done)
MERGE_CMD="$(printf '%q' "$KIZUNA") merge $SHARD_DIRS--out $(printf '%q' "$OUT/merged")"
if ! timeout 300 sbatch --wait --dependency="afterok:$JOBID" --kill-on-invalid-dep=yes \
  --job-name=kizuna-merge --output="$OUT/merge.out" --wrap "$MERGE_CMD" >/dev/null; then
  echo "FAIL: array job $JOBID or its merge failed" >&2
  tail -n 20 "$OUT"/slurm-*.out "$OUT/merge.out" 2>/dev/null >&2 || true
  exit 1
fi
for k in $(seq 1 "$SHARDS"); do
  grep -q "\"shard\": \"$k/$SHARDS\"" "$OUT/shard-$k/shard.json" \
    || { echo "FAIL: $OUT/shard-$k/shard.json is not shard $k/$SHARDS" >&2; exit 1; }
  echo "task $k: $(grep -h '^sweep shard' "$OUT"/slurm-"${JOBID}"_"$k".out || echo '(no summary line)')"
done
echo "merge job: $(cat "$OUT/merge.out")"
ls "$OUT"/merged/plots/*.png >/dev/null 2>&1 || { echo "FAIL: the merge job drew no plots" >&2; exit 1; }

"$KIZUNA" -q sweep "$SWEEP" --out "$WORK/local" --threads 2 ${SWEEP_ARGS[@]+"${SWEEP_ARGS[@]}"}
status=0
for f in runs.csv points.csv runs.parquet points.parquet manifest.json morris.csv; do
  if [ -e "$WORK/local/$f" ] || [ -e "$OUT/merged/$f" ]; then
    if cmp "$WORK/local/$f" "$OUT/merged/$f"; then
      echo "same: $f ($(wc -l < "$WORK/local/$f") lines)"
    else
      status=1
    fi
  fi
done
[ "$status" = 0 ] || { echo "FAIL: merged Slurm output differs from the local run" >&2; exit 1; }
echo "PASS: $SHARDS-shard Slurm sweep merged byte-identical to the local run ($(( $(date +%s) - T0 )) s)"
