# Source me: finds a Python >= 3.12, creates .venv beside the project and installs commsim into it.
# Usage (from another script): source "$(dirname "$0")/env.sh"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

_works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && _works "$candidate"; then
            command -v "$candidate"; return 0
        fi
    done
    # pyenv installs interpreters that its shims hide unless selected; use them directly.
    local root
    root="$( (command -v pyenv >/dev/null 2>&1 && pyenv root) || echo "$HOME/.pyenv")"
    for candidate in "$root"/versions/3.1[3-9]*/bin/python3 "$root"/versions/3.12*/bin/python3; do
        if [ -x "$candidate" ] && _works "$candidate"; then echo "$candidate"; return 0; fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ] || ! _works "$VENV/bin/python"; then
    if ! PY="$(find_python)"; then
        echo "commsim needs Python >= 3.12 (Mesa 3.5 does), and none was found on PATH or under pyenv." >&2
        echo "Install one, e.g. 'pyenv install 3.12' or your system's python3.12 package, then run this again." >&2
        exit 1
    fi
    echo "Creating $VENV with $PY ($("$PY" --version))" >&2
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
fi

# What to install: COMMSIM_EXTRAS names extras of pyproject.toml (default dev: everything
# the tests need; demo.sh sets it empty: the core the demo needs). A dev install serves all.
EXTRAS="${COMMSIM_EXTRAS-dev}"
STAMP="$VENV/.installed-${EXTRAS:-core}"
_fresh() { [ -f "$1" ] && [ ! "$ROOT/pyproject.toml" -nt "$1" ]; }
if ! _fresh "$STAMP" && ! _fresh "$VENV/.installed-dev"; then
    SPEC="$ROOT${EXTRAS:+[$EXTRAS]}"
    if [ -z "$EXTRAS" ]; then
        echo "Installing commsim's core into $VENV (about 2 minutes the first time) ..." >&2
    else
        echo "Installing commsim[$EXTRAS] into $VENV (a few minutes the first time: about 3.5 after the demo's core) ..." >&2
    fi
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    # One line per package as pip collects it (the whole log goes to install.log).
    if ! "$VENV/bin/python" -m pip install -e "$SPEC" 2>&1 | tee "$VENV/install.log" \
        | { grep --line-buffered -E '^(Collecting|Installing collected|Successfully installed)' \
            || true; } \
        | sed -u -e 's/^Collecting /  collecting /' -e 's/^Successfully installed .*/  installed./' \
            -e 's/^Installing collected packages: .*/  unpacking and installing them .../' >&2
    then
        cat "$VENV/install.log" >&2
        echo "Installing commsim failed (log above, also in $VENV/install.log)." >&2
        exit 1
    fi
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
export MPLBACKEND="${MPLBACKEND:-Agg}"
cd "$ROOT"
