"""Fill empty nb msgstr entries from a JSON file of {msgid: translation}.

Used after tools/update_catalogs.sh: the translator writes the new strings into a JSON
file (easier to review than a .po diff) and this merges them in, refusing a translation
whose {placeholders} differ from the msgid's.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "cogtrain/locale/nb/LC_MESSAGES/cogtrain.po"
FIELD = re.compile(r"\{(\w*)\}")


def main(path: str) -> int:
    new = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as fh:
        cat = read_po(fh, locale="nb", domain="cogtrain")
    bad = [k for k, v in new.items() if sorted(FIELD.findall(k)) != sorted(FIELD.findall(v))]
    if bad:
        print("placeholders differ in:", *bad, sep="\n  ", file=sys.stderr)
        return 1
    filled = 0
    for msg in cat:
        if msg.id and not msg.string and msg.id in new:
            msg.string = new[msg.id]
            filled += 1
    with PO.open("wb") as fh:
        write_po(fh, cat, width=100, no_location=True, sort_output=True)
    left = [m.id for m in cat if m.id and not m.string]
    print(f"filled {filled}; still empty: {len(left)}")
    for m in left:
        print("  ", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
