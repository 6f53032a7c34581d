#!/usr/bin/env bash
# Re-runs the built-in experiments and prints the figures their headers and docs/EXPERIMENTS.md
# quote. The model changes after merges: run this and update the "Result when last run" figures.
#
#   scripts/experiments/remeasure.sh [all|dependence|cooperation|china|talent|destinations|sobol]...
#
# Environment: KIZUNA (binary, default ./target/release/kizuna), OUT (output root, default
# output/experiments), REPS (replications of the comparisons, default 8), THREADS (default 2).
# Each table row: metric, baseline mean, arm mean, paired difference (arm − baseline) with its
# 95 % paired-t interval, and the replications undefined in baseline/arm (never recovered).
set -euo pipefail
cd "$(dirname "$0")/../.."
KIZUNA=${KIZUNA:-./target/release/kizuna}
OUT=${OUT:-output/experiments}
REPS=${REPS:-8}
THREADS=${THREADS:-2}
E=scenarios/experiments
mkdir -p "$OUT"

# table DIR REGEX: the rows of DIR/compare.csv whose metric matches REGEX.
table() {
  awk -F, -v re="$2" '
    function g(x) { return x == "" ? "–" : sprintf("%.4g", x) }
    NR == 1 { next }
    $3 ~ re { printf "  %-28s %-62s %11s %11s %11s [%s, %s]  undef %s/%s\n",
                     $1, $3, g($12), g($13), g($14), g($16), g($17), $10, $11 }' "$1/compare.csv"
}

# timed NAME CMD...: runs CMD quietly, reports its wall and CPU time (the machine's load changes
# the wall time; the CPU time is the cost).
timed() {
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  local name=$1; shift
  /usr/bin/time -o "$OUT/$name.time" -f '%e %U %S' "$@" -q > "$OUT/$name.console.txt"
  read -r wall user sys < "$OUT/$name.time"
  printf '%s: %s s wall, %s s CPU (user + sys), load average before: %s (%s)\n' "$name" "$wall" \
    "$(echo "$user + $sys" | bc)" "$LOAD" "$*"
}
dependence() {
  for k in 0.25 0.5; do
    local dir="$OUT/dependence_k${k/./}"
    timed "dependence_k${k/./}" "$KIZUNA" compare $E/dependence_high_abrupt.toml $E/dependence_high_gradual.toml \
      $E/dependence_low_abrupt.toml $E/dependence_low_gradual.toml --replications "$REPS" --threads "$THREADS" \
      --set "countries[VNM].capacity_initial=$k" --out "$dir"
    echo "Dependence × shock, K0 = $k (baseline dependence_high_abrupt):"
    table "$dir" '^largest_donor_cut\.(oda_net_received_usd_per_q\.VNM|capacity_k\.VNM|fdi_stock_usd\.VNM-JPN|pair_trust\.VNM-JPN)\.(depth|loss_area_quarters|recovery_quarters)$|^largest_donor_cut\.oda_committed_usd_per_q\.VNM-JPN\.loss_area_quarters$'
  done
}

cooperation() {
  local dir="$OUT/cooperation_mode"
  timed cooperation_mode "$KIZUNA" compare $E/cooperation_mode_1_0.toml $E/cooperation_mode_2_0.toml \
    --replications "$REPS" --threads "$THREADS" \
    --indicator mean_friction.VNM-JPN --indicator trouble_share_8q.VNM-JPN --indicator capacity_k.VNM \
    --indicator mean_productivity.VNM --indicator aid_gni_ratio.VNM \
    --at 2011Q4 --at 2020Q4 --at 2025Q4 --out "$dir"
  echo "Cooperation 1.0 vs 2.0 (baseline cooperation_mode_1_0):"
  table "$dir" '^20(11|20|25)Q4\.'
}

china() {
  local dir="$OUT/china_plus_one"
  timed china_plus_one "$KIZUNA" compare $E/china_plus_one_vietnam.toml $E/china_plus_one_diversified.toml \
    --replications "$REPS" --threads "$THREADS" \
    --indicator affiliate_output_usd_per_q.VNM-JPN --indicator affiliate_output_usd_per_q.THA-JPN \
    --indicator affiliate_output_usd_per_q.IDN-JPN --indicator fdi_stock_usd.VNM-JPN \
    --indicator pair_trust.VNM-JPN --at 2026Q4 --at 2028Q4 --out "$dir"
  echo "China+1 into Vietnam vs diversified VN/TH/ID (baseline china_plus_one_vietnam):"
  table "$dir" '^2026Q4\.|^2028Q4\.|^crisis_vnm_2027\..*\.(depth|loss_area_quarters|recovery_quarters)$'
}

talent() {
  local dir="$OUT/talent_vs_yen"
  timed talent_vs_yen "$KIZUNA" compare $E/talent_status_quo.toml $E/talent_esd_2027.toml $E/talent_yen_shock_2027.toml \
    --replications "$REPS" --threads "$THREADS" \
    --indicator interns_persons.VNM-JPN --indicator ssw_persons.VNM-JPN \
    --indicator returnees_persons_per_q.VNM-JPN --indicator talent_outflow_persons_per_q.VNM-JPN \
    --indicator missing_persons.VNM-JPN --indicator mean_productivity.VNM \
    --at 2030Q4 --at 2035Q4 --out "$dir"
  echo "Talent regime vs yen shock (baseline talent_status_quo):"
  table "$dir" '^20(30|35)Q4\.'
}

destinations() {
  local dir="$OUT/talent_destinations"
  timed talent_destinations "$KIZUNA" compare vietnam_japan $E/talent_substitutable_destinations.toml \
    --replications "$REPS" --threads "$THREADS" \
    --indicator residents_persons.VNM-JPN --indicator intern_inflow_share.VNM-JPN \
    --indicator origin_residents_persons.IDN-JPN --indicator origin_residents_persons.CHN-JPN \
    --at 2015Q4 --at 2019Q4 --at 2023Q4 --out "$dir"
  echo "Substitutable destinations (λ = 0.5) vs the default (baseline vietnam_japan):"
  table "$dir" '^20(15|19|23)Q4\.'
}

sobol() {
  local dir="$OUT/default_aid_cut_sobol"
  rm -rf "$dir"
  timed default_aid_cut_sobol "$KIZUNA" sweep scenarios/sweeps/default_aid_cut_sobol.toml --threads "$THREADS" --out "$dir"
  echo "Sobol indices (metric, parameter, S1 [95 %], ST [95 %]), largest ST first per metric:"
  awk -F, 'NR > 1 { printf "%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%s\n", $2, $1, $3, $4, $5, $6, $7, $8, $10 }' "$dir/sobol.csv" |
    sort -t, -k1,1 -k6,6gr |
    awk -F, '{ printf "  %-24s %-42s S1 %6.3f [%6.3f, %6.3f]  ST %6.3f [%6.3f, %6.3f]  undef %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
  sobol_ranges "$dir"
}

# sobol_ranges DIR: the range (min–max over the runs) of each metric of DIR/runs.csv (the metric
# columns are those whose names have no dot; parameters are key paths).
sobol_ranges() {
  echo "Range of each metric over the design (min–max over the runs):"
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i !~ /\./ && $i != "point_id" && $i != "replication" && $i != "seed") m[i] = $i; next }
           { for (i in m) if ($i != "") { v = $i + 0; if (!(i in lo) || v < lo[i]) lo[i] = v; if (!(i in hi) || v > hi[i]) hi[i] = v } }
           END { for (i in m) printf "  %-24s %.4g – %.4g\n", m[i], lo[i], hi[i] }' "$1/runs.csv" | sort
}

[ $# -eq 0 ] && set -- all
for what in "$@"; do
  case $what in
    all) dependence; cooperation; china; talent; destinations; sobol ;;
    dependence|cooperation|china|talent|destinations|sobol) $what ;;
    *) echo "unknown experiment '$what' (all, dependence, cooperation, china, talent, destinations, sobol)" >&2; exit 2 ;;
  esac
done
