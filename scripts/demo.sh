#!/usr/bin/env bash
# The main job: simulate one open group's first year and print/save what happened.
source "$(dirname "$0")/env.sh"
exec python -m commsim.demo "$@"
