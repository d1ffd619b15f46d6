#!/usr/bin/env bash
# Checks that notebooks-data/spusim-quickstart.ipynb runs headless (`jupyter nbconvert --execute`),
# twice: on a database written by a fresh quickstart sweep (its Pareto front and baseline ratios
# are then checked against `spusim pareto` / `spusim compare` run live), and on the shipped CSV
# exports (checked against the command-line answers exported with them).
#
#   bash scripts/check_notebook.sh                                   # uses `swift run -c release spusim`
#   SPUSIM=.build/release/spusim bash scripts/check_notebook.sh
#
# The Python packages are pip-installed, at the pinned versions below, into a private virtual
# environment (.venv-notebook, git-ignored; NOTEBOOK_VENV overrides). When Python 3.11+, venv,
# pip or the packages are unavailable (e.g. offline), the check prints "SKIPPED: notebook check
# (reason)" and exits 0; set REQUIRE_NOTEBOOK_CHECK=1 to make that a failure instead.
set -euo pipefail

cd "$(dirname "$0")/.."
# SPUSIM may be a path or a command line ("swift run -c release spusim"); it is word-split.
export SPUSIM="${SPUSIM:-swift run -c release spusim}"
read -r -a spusim <<< "$SPUSIM"
python=${PYTHON:-python3}
venv=${NOTEBOOK_VENV:-.venv-notebook}
notebook=notebooks-data/spusim-quickstart.ipynb
# Tested together on Python 3.11.7 (pandas 3 needs Python 3.11 or later).
packages="pandas==3.1.1 numpy==2.4.6 matplotlib==3.11.2 nbconvert==7.17.2 nbclient==0.11.0 nbformat==5.11.1 ipykernel==7.4.0 jupyter==1.1.1"

skip() {
  if [[ "${REQUIRE_NOTEBOOK_CHECK:-0}" == 1 ]]; then
    echo "FAILED: notebook check ($1; REQUIRE_NOTEBOOK_CHECK=1)" >&2
    exit 1
  fi
  echo "SKIPPED: notebook check ($1)"
  exit 0
}

start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spusim-notebook-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- Python environment ----------------------------------------------------------------------
command -v "$python" > /dev/null || skip "no $python on PATH"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || skip "$("$python" --version 2>&1) is older than the 3.11 the pinned pandas needs"
stamp="$venv/.spusim-packages"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$packages" ]]; then
  echo "notebook check: installing $packages into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv" > "$tmp/venv.log" 2>&1 || { cat "$tmp/venv.log"; skip "cannot create a virtual environment with $python -m venv"; }
  # shellcheck disable=SC2086
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $packages > "$tmp/pip.log" 2>&1; then
    tail -n 5 "$tmp/pip.log"
    rm -rf "$venv"
    skip "pip could not install the packages (offline?)"
  fi
  echo "$packages" > "$stamp"
fi

# Keep the user's Jupyter/IPython configuration and kernels out of the check.
export JUPYTER_CONFIG_DIR="$tmp/jupyter-config" JUPYTER_DATA_DIR="$tmp/jupyter-data" IPYTHONDIR="$tmp/ipython"
export JUPYTER_PLATFORM_DIRS=1 MPLBACKEND=Agg

run_notebook() { # run_notebook NAME EXPECTED-LINE...: executes the notebook into $tmp/NAME.ipynb
  local name=$1; shift
  if ! "$venv/bin/jupyter" nbconvert --to notebook --execute "$notebook" \
      --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
      --output-dir "$tmp" --output "$name" > "$tmp/$name.log" 2>&1; then
    grep -v 'WARNING | Kernel is running over TCP' "$tmp/$name.log" >&2
    echo "FAILED: notebook check: $notebook does not run ($name)" >&2
    exit 1
  fi
  # The stream outputs of the executed notebook, and the checks it must have printed.
  "$venv/bin/python" -c '
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
print("".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"), end="")
' "$tmp/$name.ipynb" > "$tmp/$name.txt"
  for expected in "$@"; do
    if ! grep -qF -- "$expected" "$tmp/$name.txt"; then
      cat "$tmp/$name.txt" >&2
      echo "FAILED: notebook check ($name): the output lacks \"$expected\"" >&2
      exit 1
    fi
  done
  echo "notebook check ($name): ok"
  grep -E '^(NOTE|OK|cross-check|[0-9]+ candidate)' "$tmp/$name.txt" | sed 's/^/  /'
}

# --- 1. On a fresh quickstart database, cross-checked live against the command line ------------
if ! "${spusim[@]}" sweep configs/sweeps/quickstart.json --db "$tmp/quickstart.sqlite" > "$tmp/sweep.log" 2>&1; then
  cat "$tmp/sweep.log" >&2
  echo "FAILED: notebook check: the quickstart sweep failed ($SPUSIM)" >&2
  exit 1
fi
SPUSIM_DB="$tmp/quickstart.sqlite" run_notebook database \
  "OK: the front matches spusim pareto (live)" "match spusim compare (live)"

# --- 2. On the shipped CSV exports (no database) ----------------------------------------------
SPUSIM_DB="$tmp/no-such-database.sqlite" run_notebook csv \
  "NOTE: no database" "OK: the front matches quickstart-pareto.csv" "match quickstart-compare-h100-sxm.json"

echo "notebook check: passed in $(($(date +%s) - start)) s"
