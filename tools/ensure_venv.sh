# Sourced by run.sh and test.sh: make sure .venv exists and has this pyproject installed.
# Reinstalls only when pyproject.toml (or the extras asked for) changed since last time.
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "cogtrain needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  echo "Install it (Debian: apt-get install python3 python3-venv) and try again." >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || {
    echo "Could not create .venv. On Debian: apt-get install python3-venv" >&2; exit 2; }
fi
extras=${COGTRAIN_EXTRAS:-}
stamp=".venv/.cogtrain-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) extras=$extras"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Setting up cogtrain in .venv (first run, or pyproject.toml changed)..." >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  .venv/bin/python -m pip install --quiet -e "$spec" >&2
  echo "$want" > "$stamp"
fi
