"""Export destinations and key files, generated: a dataset, or an ExportError naming the
path, and neither the database nor any file already there changed.

The neuropsychologist types the export folder and the key file by hand (or a script
passes them). Whatever they are (an existing folder or file, a path under a file, a
missing folder, the key inside the dataset, names that are not UTF-8, very long names,
participant codes that do not exist), the export either writes a complete dataset or
refuses with a specific error; every file that existed before is byte for byte the
same, and only the audit log grows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cogtrain.errors import CogtrainError
from cogtrain.staff.desk import StaffDesk, StaffSession
from cogtrain.staff.forms import ParticipantDraft, StaffUserDraft
from cogtrain.storage.models import Base

ADMIN_PW = "korrekt hest batteri"
KARI_PW = "lagerhylle-2026"
NILS_PW = "testbatteri-2026"

PARTS = st.one_of(
    st.sampled_from(
        [
            "study",
            "study.zip",
            "STUDY.ZIP",
            "existing-folder",
            "empty-folder",
            "a-file.txt",
            "a-file.txt/under",
            "missing/inside",
            "..",
            ".",
            "\udcff-study",
            "æøå studie",
            "x" * 300,
            "key.tsv",
        ]
    ),
    st.text(st.characters(blacklist_characters="/\x00", codec="utf-8"), min_size=1, max_size=16),
)


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its bytes (what must not change)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _dump(desk: StaffDesk) -> dict[str, list[tuple[Any, ...]]]:
    with desk.store.engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
            for t in Base.metadata.sorted_tables
            if t.name != "audit_event"  # a refused export is audited, by design
        }


@pytest.fixture
def nils(desk: StaffDesk, cheap_hashes: None) -> StaffSession:
    desk.create_first_admin(StaffUserDraft("admin", "Anne", "admin", ADMIN_PW, ADMIN_PW))
    admin = desk.login("admin", ADMIN_PW)
    admin.add_user(StaffUserDraft("kari", "Kari", "consultant", KARI_PW, KARI_PW))
    admin.add_user(StaffUserDraft("nils", "Nils", "neuropsychologist", NILS_PW, NILS_PW))
    desk.login("kari", KARI_PW).create_participant(
        ParticipantDraft("JMO-001", "jmo-standard", "01.12.2026", "nb")
    )
    return desk.login("nils", NILS_PW)


@pytest.fixture
def where(tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    (root / "existing-folder").mkdir(parents=True)
    (root / "existing-folder" / "old.tsv").write_text("gammel\n", encoding="utf-8")
    (root / "empty-folder").mkdir()
    (root / "a-file.txt").write_text("behold meg\n", encoding="utf-8")
    (root / "key.tsv").write_text("participant_id\tparticipant_code\n", encoding="utf-8")
    return root


EXPORT_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    # One database and one folder per test; both are compared before/after each example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@EXPORT_SETTINGS
@given(
    out=PARTS,
    key=st.one_of(st.none(), PARTS, PARTS.map(lambda p: "study/" + p)),
    codes=st.one_of(st.none(), st.lists(st.sampled_from(["JMO-001", "jmo-001", "NOPE", ""]))),
)
@example(out="study", key="study/key.tsv", codes=None)  # the key inside the dataset
@example(out="a-file.txt/under", key=None, codes=None)
@example(out="\udcff-study", key=None, codes=None)  # not UTF-8: audited escaped (JSONB)
@example(out="\udcff-study", key="\udcff-key.tsv", codes=["JMO-001"])
@example(out="study", key="key.tsv", codes=None)  # an existing key is never overwritten
def test_any_destination_exports_whole_or_is_refused_by_path(
    nils: StaffSession, where: Path, out: str, key: str | None, codes: list[str] | None
) -> None:
    if any(len(p) > 255 for p in [out, *(key or "").split("/")]):
        return  # a name too long for the file system: its own test below
    files_before = _tree(where)
    db_before = _dump(nils.desk)
    dest = where / out
    key_file = None if key is None else where / key
    try:
        result = nils.export(dest, participant_codes=codes, key_file=key_file)
    except CogtrainError as err:
        assert err.message.strip() and err.hint.strip()
        assert _tree(where) == files_before, "a refused export changed files already there"
    else:
        assert result.path.exists() and result.n_participants >= 0
        after = _tree(where)
        assert {k: v for k, v in after.items() if k in files_before} == files_before
        assert not any(".partial" in name for name in after)
    assert _dump(nils.desk) == db_before


def test_a_name_too_long_for_the_file_system_is_refused(nils: StaffSession, where: Path) -> None:
    with pytest.raises(CogtrainError) as err:
        nils.export(where / ("x" * 300))
    assert "cannot be written" in err.value.message and err.value.hint
