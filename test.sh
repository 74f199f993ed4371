#!/usr/bin/env bash
# Run the whole test suite headless. Sets itself up like run.sh (plus the test tools).
set -euo pipefail
cd "$(dirname "$0")"
COGTRAIN_EXTRAS=dev source tools/ensure_venv.sh
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
