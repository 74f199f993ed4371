#!/usr/bin/env bash
# Check an exported dataset with the official BIDS validator, installed on first use.
#
#   tools/bids_validator.sh <dataset folder or .zip> [validator options...]
#   tools/bids_validator.sh --install        (only install it, e.g. in CI)
#
# The validator is the npm package bids-validator, pinned to the legacy 1.x line: the
# current one (@bids/validator) needs Deno and is not on the npm registry, while 1.15.0
# runs on the machine's Node.js (>= 18). It goes into .cache/bids in the project (or
# $COGTRAIN_BIDS_CACHE), never globally. Its report is printed as it is; the exit code
# is the validator's: 0 = no errors (warnings allowed), 1 = errors. 3 = Node.js or npm
# is missing, 2 = wrong use or a failed install.
set -euo pipefail

VERSION=1.15.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${COGTRAIN_BIDS_CACHE:-$root/.cache/bids}"
bin="$prefix/node_modules/bids-validator/bin/bids-validator"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bids_validator.sh: $tool is not installed, so the BIDS validator cannot run." >&2
    echo "  What to do: install Node.js 18 or newer with npm (Debian: apt-get install nodejs npm)." >&2
    exit 3
  fi
done

installed_version() {
  node -e "console.log(require(process.argv[1]).version)" \
    "$prefix/node_modules/bids-validator/package.json" 2>/dev/null || true
}

install_validator() {
  [ "$(installed_version)" = "$VERSION" ] && return 0
  echo "bids_validator.sh: installing bids-validator@$VERSION into $prefix (first use)..." >&2
  mkdir -p "$(dirname "$prefix")"
  # Install beside the target and move it into place, so an interrupted install (or
  # two test runs at once) never leaves a half-installed validator at $prefix.
  local tmp
  tmp="$(mktemp -d "$prefix.partial-XXXXXX")"
  chmod 755 "$tmp"
  if ! npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error \
      "bids-validator@$VERSION" >&2; then
    rm -rf "$tmp"
    echo "bids_validator.sh: npm could not install bids-validator@$VERSION." >&2
    echo "  What to do: check that the npm registry can be reached, then run again." >&2
    exit 2
  fi
  if [ "$(installed_version)" != "$VERSION" ]; then
    rm -rf "$prefix"
    mv "$tmp" "$prefix" 2>/dev/null || rm -rf "$tmp"
  else
    rm -rf "$tmp"
  fi
}

if [ "${1:-}" = "--install" ]; then
  install_validator
  echo "bids-validator $(installed_version) is installed in $prefix."
  exit 0
fi
if [ $# -lt 1 ]; then
  echo "usage: tools/bids_validator.sh <dataset folder or .zip> [validator options...]" >&2
  echo "       tools/bids_validator.sh --install" >&2
  exit 2
fi

target="$1"
shift
if [ ! -e "$target" ]; then
  echo "bids_validator.sh: $target does not exist." >&2
  echo "  What to do: give the folder (or .zip) that cogtrain export wrote." >&2
  exit 2
fi
install_validator

dataset="$target"
unpacked=""
trap '[ -n "$unpacked" ] && rm -rf "$unpacked"' EXIT
if [ -f "$target" ]; then
  # A zipped export holds one top folder, named like the zip.
  unpacked="$(mktemp -d)"
  python3 -m zipfile -e "$target" "$unpacked"
  dataset="$(find "$unpacked" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
  if [ -z "$dataset" ]; then
    echo "bids_validator.sh: $target holds no dataset folder." >&2
    exit 2
  fi
fi

set +e
node "$bin" "$dataset" --no-color "$@"
status=$?
set -e
exit "$status"
