#!/usr/bin/env bash
# The classroom app: a live simulated group in the browser (solara, as Mesa's SolaraViz).
# Usage: bash scripts/app.sh [--port 8765] [--host 127.0.0.1]
# How it is served (offline, no telemetry, no banner): commsim/classroom/serve.py.
source "$(dirname "$0")/env.sh"
exec "$VENV/bin/python" -m commsim.classroom.serve "$@"
