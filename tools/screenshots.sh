#!/usr/bin/env bash
# Render every participant screen to PNG in nb and en, at the smallest supported window
# and at full HD, under SDL's dummy driver. Output: shots/ (or the folder given).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-shots}
source tools/ensure_venv.sh
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
for lang in nb en; do
  for size in 1024x768 1920x1080; do
    .venv/bin/cogtrain --lang "$lang" screenshot --out "$out" --size "$size"
  done
done
