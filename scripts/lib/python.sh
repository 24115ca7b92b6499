# Shared by scripts/serve and scripts/bootstrap: find a Python Roost runs on, and a
# .venv made with it that works. Sourced, not run.

# pyproject.toml's requires-python (">=3.11"): the oldest version, as "3 11".
MIN_PYTHON=$(sed -n 's/^requires-python = ">=\([0-9]*\)\.\([0-9]*\)".*/\1 \2/p' pyproject.toml)

say() { printf '%s\n' "$*" >&2; }

python_ok() { # python_ok CMD: whether CMD is a Python at least MIN_PYTHON
  "$1" -c "import sys; sys.exit(sys.version_info[:2] < tuple(map(int, '$MIN_PYTHON'.split())))" \
    >/dev/null 2>&1
}

find_python() {
  # $PYTHON if given, else the newest of python3.13 .. python3.11, else python3.
  local wanted=${MIN_PYTHON/ /.} candidate
  if [ -n "${PYTHON:-}" ]; then
    if python_ok "$PYTHON"; then return; fi
    say "Roost needs Python $wanted or newer; PYTHON=$PYTHON is $("$PYTHON" --version 2>&1 || echo 'not runnable')."
    exit 1
  fi
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      PYTHON=$candidate
      return
    fi
  done
  say "Roost needs Python $wanted or newer; python3 here is $(python3 --version 2>&1 || echo 'missing') (install python3 >= $wanted, or set PYTHON=/path/to/python3.X)."
  exit 1
}

ensure_venv() {
  # A .venv whose Python is gone, too old, or was never finished is made again.
  if [ -d .venv ] && ! { python_ok .venv/bin/python && .venv/bin/python -m pip --version >/dev/null 2>&1; }; then
    say "The .venv here does not work (made with another Python, or half made): making it again..."
    rm -rf .venv
  fi
  if [ ! -d .venv ]; then
    say "Creating .venv with $PYTHON ($("$PYTHON" --version 2>&1))..."
    if ! "$PYTHON" -m venv .venv >/dev/null 2>.venv-error; then
      say "Cannot create .venv: $(tail -n 1 .venv-error) (on Debian: apt install python3-venv)."
      rm -rf .venv .venv-error
      exit 1
    fi
    rm -f .venv-error
  fi
}

pip_install() {
  # pip, showing what it installs but not its chatter; fails when pip fails.
  local log
  log=$(mktemp)
  if ! .venv/bin/pip install --disable-pip-version-check --progress-bar off "$@" 2>&1 \
    | tee "$log" | grep --line-buffered -E '^(Collecting|Installing collected|Successfully installed)' \
    | sed -u 's/^/  /' >&2; then
    :
  fi
  if grep -q '^ERROR' "$log" || ! .venv/bin/python -c 'import roost.cli' 2>/dev/null; then
    say "Installing failed:"
    grep -E '^(ERROR|error)' "$log" | head -n 5 >&2 || tail -n 5 "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}
