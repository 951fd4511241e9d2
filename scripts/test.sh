#!/usr/bin/env bash
# The test suite, in a fresh environment if needed.
source "$(dirname "$0")/env.sh"
exec python -m pytest -n 2 "$@"
