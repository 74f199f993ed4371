#!/usr/bin/env bash
# Start cogtrain. Sets itself up on a fresh machine: creates .venv, installs the project,
# and reinstalls only when pyproject.toml has changed. Extra arguments go to cogtrain
# (for example: ./run.sh --lang en).
set -euo pipefail
cd "$(dirname "$0")"
source tools/ensure_venv.sh
exec .venv/bin/cogtrain "$@"
