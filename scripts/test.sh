#!/usr/bin/env bash
# The test suite, in a fresh environment if needed.
source "$(dirname "$0")/env.sh"
# Compile the kernels once (about 10 s on a new machine; a moment from numba's cache
# after), so the test processes load them instead of each compiling its own.
python -c "from commsim.compiled import load_kernels; load_kernels()"
exec python -m pytest -n 2 "$@"
