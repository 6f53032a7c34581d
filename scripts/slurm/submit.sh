#!/bin/bash
# Submits a sweep as a Slurm job array of N shards plus a dependent merge job.
#   scripts/slurm/submit.sh SWEEP.toml OUT_DIR N [kizuna sweep args...]
# Task K runs `kizuna sweep SWEEP --shard K/N --out OUT_DIR/shard-K --resume [args]`
# (scripts/slurm/sweep.sbatch); once all succeeded, the merge job runs
# `kizuna merge OUT_DIR/shard-1 … OUT_DIR/shard-N --out OUT_DIR`, which writes runs.csv,
# points.csv, manifest.json and plots/ into OUT_DIR. Set KIZUNA if kizuna is not on PATH.
set -euo pipefail
SWEEP=${1:?usage: submit.sh SWEEP.toml OUT_DIR N [kizuna sweep args...]}
OUT=${2:?usage: submit.sh SWEEP.toml OUT_DIR N}
N=${3:?usage: submit.sh SWEEP.toml OUT_DIR N}
shift 3
KIZUNA=${KIZUNA:-kizuna}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
JOBID=$(sbatch --parsable --array="1-$N" --output="$OUT/slurm-%A_%a.out" "$HERE/sweep.sbatch" "$SWEEP" "$OUT" "$@")
JOBID=${JOBID%%;*}
SHARDS=$(for k in $(seq 1 "$N"); do printf '%q ' "$OUT/shard-$k"; done)
MERGE=$(sbatch --parsable --dependency="afterok:$JOBID" --kill-on-invalid-dep=yes \
  --job-name=kizuna-merge --output="$OUT/slurm-merge-%j.out" \
  --wrap "$(printf '%q' "$KIZUNA") merge $SHARDS--out $(printf '%q' "$OUT")")
echo "array job $JOBID ($N shards), merge job $MERGE → $OUT"
