#!/usr/bin/env bash
# The classroom app: a live simulated group in the browser (Mesa's SolaraViz).
# Usage: bash scripts/app.sh [--port 8765] [--host 127.0.0.1]
source "$(dirname "$0")/env.sh"
HOST=127.0.0.1
PORT=8765
while [ $# -gt 0 ]; do
    case "$1" in
        --port) PORT="$2"; shift 2 ;;
        --host) HOST="$2"; shift 2 ;;
        *) echo "usage: bash scripts/app.sh [--port N] [--host ADDRESS]" >&2; exit 2 ;;
    esac
done
# Offline by construction: the page's scripts, styles and fonts come from solara-assets;
# nothing may be fetched from a CDN (an unreachable loopback address instead of the CDN
# makes a missing asset fail loudly), and solara's telemetry and version check are off.
export SOLARA_ASSETS_CDN="http://127.0.0.1:9/"
export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
# the tab's title before the page sets its own, and no "runs on Solara" banner over the plots
export SOLARA_THEME_TITLE="commsim classroom" SOLARA_THEME_SHOW_BANNER=False
# A tab that vanished without closing (a crashed browser) keeps its model for 15 minutes
# for a reconnect, then it is shut down (solara's default keeps it for a day).
export SOLARA_KERNEL_CULL_TIMEOUT="${SOLARA_KERNEL_CULL_TIMEOUT:-15m}"
echo "commsim classroom app: open http://$HOST:$PORT/ in a browser (Ctrl-C stops it)" >&2
exec solara run commsim.classroom.app --host "$HOST" --port "$PORT" --production --no-open --no-check-version
