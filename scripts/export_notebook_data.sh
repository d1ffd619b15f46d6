#!/usr/bin/env bash
# Regenerates the CSV exports in notebooks-data/ from the shipped example sweeps.
#
#   bash scripts/export_notebook_data.sh                        # uses `swift run -c release spusim`
#   SPUSIM=.build/release/spusim bash scripts/export_notebook_data.sh
#   bash scripts/export_notebook_data.sh --check    # regenerate into a temporary directory and
#                                                   # fail if the committed files differ (stale)
#
# Each sweep runs into a fresh temporary database (deleted afterwards; result databases never go
# into git), and every CSV is written by `spusim export --sql` with an explicit column list and an
# explicit ORDER BY, so that the files are byte-for-byte reproducible. The metric columns are the
# metric catalogue's (`spusim metrics --names`, `--score-columns`): a metric added to the catalogue
# appears here too (re-export and commit). The column lists are documented in
# notebooks-data/README.md; change them only together with that file (and the notebook).
set -euo pipefail

cd "$(dirname "$0")/.."
# SPUSIM may be a path or a command line ("swift run -c release spusim"); it is word-split.
read -r -a spusim <<< "${SPUSIM:-swift run -c release spusim}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spusim-notebook-data.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
case "${1:-}" in
  "") out=notebooks-data ;;
  --check) out="$tmp/out" ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# --- Stable column lists (version 1) ----------------------------------------------------------

# results: one row per design × workload. Units are in the names (s, per_s, j, w, mm2, usd, bytes).
RESULT_COLUMNS="point_index, design_name, workload_name, workload_weight, is_baseline, feasible,
  meets_constraints, reason, devices, throughput_unit, bound,
  time_compute_s, time_sram_s, time_noc_s, time_offchip_s, time_chiplink_s, time_overhead_s"
RESULT_COLUMNS+="$("${spusim[@]}" metrics --names | sed 's/^/, /' | tr -d '\n')"

# design_scores: one row per design (weighted over the sweep's workloads), plus the swept
# parameters of SPU designs read from the stored design JSON (NULL for GPU baselines).
SCORE_COLUMNS="s.point_index, s.design_name, s.is_baseline, s.feasible, s.meets_constraints, s.workloads"
SCORE_COLUMNS+="$("${spusim[@]}" metrics --score-columns | sed 's/^/, s./' | tr -d '\n')"
param() { # param NAME JSONPATH
  printf ", CASE d.kind WHEN 'spu' THEN json_extract(d.json, '%s') END AS %s" "$2" "$1"
}
SCORE_COLUMNS+="$(param mesh_rows '$.compute.mesh.rows')$(param mesh_cols '$.compute.mesh.cols')"
SCORE_COLUMNS+="$(param mac_rows '$.compute.mac_array.rows')$(param mac_cols '$.compute.mac_array.cols')"
SCORE_COLUMNS+="$(param bf16_macs_per_cycle '$.compute.mac_array.macs_per_cycle.bf16')"
SCORE_COLUMNS+="$(param local_sram_kib '$.memory.local_sram.capacity_kib')"
SCORE_COLUMNS+="$(param shared_sram_mib '$.memory.shared_sram.capacity_mib')"
SCORE_COLUMNS+="$(param offchip_stacks '$.memory.offchip.stacks')"
SCORE_COLUMNS+="$(param noc_link_bytes_per_cycle '$.noc.link_bytes_per_cycle')"
SCORE_COLUMNS+="$(param clock_ghz '$.clock_ghz')$(param tdp_w '$.tdp_w')"

# The run of a fresh database is its only one; MAX keeps the query right if that ever changes.
RUN="(SELECT MAX(id) FROM runs WHERE kind = 'sweep')"

sweep() { # sweep NAME: runs configs/sweeps/NAME.json into $tmp/NAME.sqlite
  local start end
  start=$(date +%s.%N)
  if ! "${spusim[@]}" sweep "configs/sweeps/$1.json" --db "$tmp/$1.sqlite" > "$tmp/$1.log" 2>&1; then
    cat "$tmp/$1.log" >&2
    echo "error: sweep $1 failed" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  printf 'sweep %-18s %s\n' "$1" "$(grep -m1 '^evaluated' "$tmp/$1.log") (wall $(awk "BEGIN{printf \"%.1f\", $end-$start}") s)"
}

export_sql() { # export_sql DB FILE SQL
  "${spusim[@]}" export --db "$1" --to "$2" --sql "$3" > /dev/null
  printf 'wrote %-45s %6d rows %8d bytes\n' "$2" "$(($(wc -l < "$2") - 1))" "$(wc -c < "$2")"
}

export_results() { # export_results NAME
  export_sql "$tmp/$1.sqlite" "$out/$1-results.csv" \
    "SELECT $RESULT_COLUMNS FROM results WHERE run_id = $RUN ORDER BY point_index, workload_name, design_name"
}

export_scores() { # export_scores NAME
  export_sql "$tmp/$1.sqlite" "$out/$1-design-scores.csv" \
    "SELECT $SCORE_COLUMNS FROM design_scores s JOIN designs d ON d.hash = s.design_hash
     WHERE s.run_id = $RUN ORDER BY s.point_index, s.design_name"
}

# The command-line answers the notebook checks itself against when it reads the CSVs.
OBJECTIVES="max:weighted_items_per_joule,min:weighted_usd_per_million_items"
export_cli_reference() { # export_cli_reference NAME
  local run
  run=$("${spusim[@]}" query --db "$tmp/$1.sqlite" --format csv --sql "SELECT MAX(id) AS id FROM runs WHERE kind = 'sweep'" | tail -n 1)
  "${spusim[@]}" pareto --db "$tmp/$1.sqlite" --run "$run" --objectives "$OBJECTIVES" \
    --columns point_index,design_name --format csv > "$out/$1-pareto.csv"
  printf 'wrote %-45s %6d rows %8d bytes\n' "$out/$1-pareto.csv" "$(($(wc -l < "$out/$1-pareto.csv") - 1))" "$(wc -c < "$out/$1-pareto.csv")"
  # `spusim compare` (ratios of the top 5 designs per workload to each baseline), as JSON.
  for baseline in $("${spusim[@]}" query --db "$tmp/$1.sqlite" --format csv \
      --sql "SELECT DISTINCT design_name FROM results WHERE run_id = $run AND is_baseline ORDER BY design_name" | tail -n +2); do
    "${spusim[@]}" compare --db "$tmp/$1.sqlite" --run "$run" --baseline "$baseline" --top 5 --format json \
      > "$out/$1-compare-$baseline.json"
    printf 'wrote %-45s %6s      %8d bytes\n' "$out/$1-compare-$baseline.json" "" "$(wc -c < "$out/$1-compare-$baseline.json")"
  done
}

mkdir -p "$out"
sweep quickstart
export_results quickstart
export_scores quickstart
export_cli_reference quickstart

sweep exploration-nsga2
export_results exploration-nsga2
export_scores exploration-nsga2

# The 6,000-sample exploration has ~12,000 result rows (about 5 MB as CSV): only its design
# scores are shipped. Run the sweep yourself for the per-workload rows.
sweep exploration
export_scores exploration

if [[ "${1:-}" == --check ]]; then
  stale=0
  for file in "$out"/*; do
    if ! cmp -s "$file" "notebooks-data/$(basename "$file")"; then
      echo "stale: notebooks-data/$(basename "$file") differs from a fresh export" >&2
      stale=1
    fi
  done
  if [[ $stale == 1 ]]; then
    echo "FAILED: notebooks-data exports are stale; run: bash scripts/export_notebook_data.sh" >&2
    exit 1
  fi
  echo "notebooks-data exports are up to date"
fi
