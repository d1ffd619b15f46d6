#!/usr/bin/env bash
# Speed comparison of SPUSim against peer simulators (SCALE-Sim, llm-analysis, optionally ZigZag).
#
#   bash benchmarks/peers/run.sh            # full run (~10-15 min on 2 cores, SCALE-Sim dominates)
#   bash benchmarks/peers/run.sh --quick    # SCALE-Sim only on runs estimated < 5 s (~1-2 min)
#
# Extra arguments go to compare.py (--max-seconds S, --skip-scalesim, --repeats N, ...).
# Environment: PYTHON (interpreter for the venvs, default python3 >= 3.10),
#              SPUSIM_NO_BUILD=1 (use the existing .build/release/spusim),
#              PEERS_NO_ZIGZAG=1 (skip the optional ZigZag part).
# Results: benchmarks/peers/out/results.json and results.md (git-ignored, as are the venvs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-python3}"
VENV="$HERE/.venv"
ZVENV="$HERE/.venv-zigzag"
cd "$REPO"

if [[ "${SPUSIM_NO_BUILD:-0}" != 1 ]]; then
    echo "== swift build -c release"
    swift build -c release 2>&1 | tail -n 1
fi
test -x .build/release/spusim || { echo "missing .build/release/spusim" >&2; exit 1; }

echo "== venv $VENV: scalesim==3.0.0, numpy<2"
[[ -x "$VENV/bin/python" ]] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check 'scalesim==3.0.0' 'numpy<2'

extra=()
echo "== llm-analysis (checking PyPI with pip download --no-deps first)"
dl="$(mktemp -d)"
if "$VENV/bin/python" -m pip download -q --disable-pip-version-check --no-deps -d "$dl" 'llm-analysis==0.2.2' >/dev/null 2>&1; then
    # numpy<2 again so that llm-analysis's dependencies cannot upgrade SCALE-Sim's numpy.
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check 'llm-analysis==0.2.2' 'numpy<2'
else
    echo "llm-analysis is not available from the package index: skipping that part"
    extra+=(--skip-llm "llm-analysis not downloadable from the package index")
fi
rm -rf "$dl"

if [[ "${PEERS_NO_ZIGZAG:-0}" != 1 ]]; then
    # Optional. Own venv: zigzag-dse wants numpy 2, SCALE-Sim 3.0.0 needs numpy<2.
    # zigzag-dse 3.9.1 imports `six` without declaring it.
    echo "== optional: venv $ZVENV: zigzag-dse==3.9.1 (5 min install limit)"
    [[ -x "$ZVENV/bin/python" ]] || "$PY" -m venv "$ZVENV"
    if timeout 300 "$ZVENV/bin/python" -m pip install -q --disable-pip-version-check 'zigzag-dse==3.9.1' six \
        && "$ZVENV/bin/python" -c 'import zigzag.api' 2>/dev/null; then
        extra+=(--zigzag-python "$ZVENV/bin/python")
    else
        echo "zigzag-dse did not install (or import) in time: skipping that part"
        extra+=(--skip-zigzag "zigzag-dse did not install or import")
    fi
else
    extra+=(--skip-zigzag "PEERS_NO_ZIGZAG=1")
fi

echo "== compare.py"
exec "$VENV/bin/python" "$HERE/compare.py" "${extra[@]}" "$@"
