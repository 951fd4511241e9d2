#!/usr/bin/env bash
# The test suite on a busy machine: two other processes keep both cores busy while the
# suite runs three times in a row; every pass must pass. Prints each pass's result and time.
#
#     bash scripts/loaded-check.sh [pytest arguments]
#
# COMMSIM_NO_ENV=1 uses the Python already on PATH instead of the project's .venv (from a
# worktree that shares another environment). PASSES and BURNERS change the counts.
set -euo pipefail
if [ "${COMMSIM_NO_ENV:-0}" = 1 ]; then
    cd "$(dirname "$0")/.."
    export MPLBACKEND="${MPLBACKEND:-Agg}"
else
    source "$(dirname "$0")/env.sh"
fi
PASSES="${PASSES:-3}"
BURNERS="${BURNERS:-2}"

burners=()
stop_burners() {
    for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_burners EXIT
for _ in $(seq "$BURNERS"); do
    python -c 'while True: pass' &   # a core kept busy, at the suite's own priority
    burners+=("$!")
done
echo "loaded-check: $BURNERS busy processes (${burners[*]}) on $(nproc) cores; $PASSES passes" >&2

failed=0
for pass in $(seq "$PASSES"); do
    start=$(date +%s)
    if python -m pytest -q -n 2 "$@"; then result=passed; else result=FAILED; failed=1; fi
    echo "loaded-check: pass $pass of $PASSES $result in $(( $(date +%s) - start )) s" >&2
done
exit "$failed"
