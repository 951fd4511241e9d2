#!/usr/bin/env bash
# The main job: simulate one open group's first year and print/save what happened.
COMMSIM_EXTRAS="${COMMSIM_EXTRAS-}"  # the core only: the demo needs no sweep, app or tests
source "$(dirname "$0")/env.sh"
exec python -m commsim.demo "$@"
