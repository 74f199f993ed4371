#!/usr/bin/env bash
# Extract every translatable string into cogtrain.pot and merge it into the nb and en
# catalogues. Then fill in the empty nb msgstr entries (tests/test_i18n.py fails on any).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m babel.messages.frontend extract -F babel.cfg -k N_ -k ngettext:1,2 \
    --no-location --sort-output --project cogtrain --copyright-holder "cogtrain" \
    -o cogtrain/locale/cogtrain.pot . >/dev/null 2>&1
for lang in nb en; do
  po=cogtrain/locale/$lang/LC_MESSAGES/cogtrain.po
  if [ -f "$po" ]; then
    "$PY" -m babel.messages.frontend update -i cogtrain/locale/cogtrain.pot -D cogtrain \
        -d cogtrain/locale -l "$lang" --no-fuzzy-matching >/dev/null 2>&1
  else
    "$PY" -m babel.messages.frontend init -i cogtrain/locale/cogtrain.pot -D cogtrain \
        -d cogtrain/locale -l "$lang" >/dev/null 2>&1
  fi
done
echo "catalogues updated; untranslated nb entries:"
grep -c '^msgstr ""$' cogtrain/locale/nb/LC_MESSAGES/cogtrain.po || true
