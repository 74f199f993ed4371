"""The research export: BIDS layout, data dictionaries, de-identification, atomicity,
determinism, and the official validator's verdict on an exported clinic."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

import exercises
from cogtrain.export import ExportError, beh_files, export_dataset
from cogtrain.export.dictionary import task_label
from cogtrain.export.tsv import escape, fmt, fmt_float
from cogtrain.storage.staff_records import AuditEntry, GoalFields, ScoreFields
from cogtrain.storage.store import Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.checkin import CheckIn
from cogtrain.training.exercise import Response
from cogtrain.training.reflection import Reflection
from cogtrain.training.staircase import Staircase

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "tools" / "bids_validator.sh"
T0 = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # Monday 2 March 2026, 08:30 in Oslo
DEVICE = "PC-RESEPSJON-7"


@dataclass(frozen=True)
class Clinic:
    """What the fixture clinic holds that must never leak (unless asked for)."""

    codes: tuple[str, ...]
    staff_strings: tuple[str, ...]
    free_texts: tuple[str, ...]
    ids: tuple[str, ...]


def _trials(store: Store, block_id, exercise_id: str, at: datetime, n: int, seed: int) -> None:  # noqa: ANN001
    rules = exercises.get(exercise_id).rules
    rng = np.random.default_rng(seed)
    for i in range(n):
        spec = rules.new_trial(1, rng)
        if i % 3 == 2:
            resp = Response.timeout()
        elif i % 3 == 1:
            resp = rules.error_response(spec, rng)
        else:
            resp = rules.correct_response(spec)
        outcome = rules.score(spec, resp)
        onset = at + timedelta(seconds=3 * i)
        shown = None  # the last trial, as logged before marks were stamped
        if rules.marks and i < 4:
            shown = {m.name: 183.25 + i for m in rules.marks[: i % 2]}
        store.log_trial(
            block_id,
            TrialRecord(
                index=i,
                level=1,
                spec=spec.to_json(),
                response=resp.to_json(),
                correct=outcome.correct,
                error_kind=outcome.error_kind,
                rt_ms=None if resp.timed_out else 640.125 + 10 * i,
                onset_at=onset,
                response_at=onset + timedelta(milliseconds=900),
                staircase_before=1.0 + 0.25 * i,
                staircase_after=1.25 + 0.25 * i,
                shown_ms=shown,
            ),
        )


def build_clinic(store: Store, monkeypatch: pytest.MonkeyPatch) -> Clinic:
    """Three participants (one who never trained), a named consultant, notes, comments,
    transfer notes, goals and assessments, on real dates."""
    import cogtrain.storage.store as store_mod

    monkeypatch.setattr(store_mod, "this_device", lambda: DEVICE)
    staff = store.staff
    who = AuditEntry(None, "setup", "setup")
    kari = staff.add_user(
        username="kari.nordmann",
        display_name="Kari Nordmann",
        role="consultant",
        password_hash="$argon2id$not-a-real-hash",
        audit=who,
        now=T0 - timedelta(days=30),
    )
    by_kari = AuditEntry(kari.id, kari.display_name, "edit")
    transfer = "Plukket ordre\tfortere\npå mandag"
    goal_text = "Huske beskjeder fra sjefen Ola"
    situation = "Morgenmøtet på lageret i Drammen"
    comment = "Bedre enn ventet, sa hun selv"
    note = "Snakket med arbeidsgiver Hansen om tilrettelegging"
    score_comment = "Testet etter søvnløs natt"
    codes = ("JMO-7Q4K", "JMO-2B9X", "JMO-NOTRAIN")
    ids: list[str] = []
    for n, code in enumerate(codes):
        p = staff.create_participant(
            code=code,
            consultant_id=kari.id,
            plan_profile="jmo-standard",
            start_date=date(2026, 2, 27),
            language="nb" if n else None,
            pin_hash=None,
            audit=by_kari,
            now=T0 - timedelta(days=5),
        )
        ids.append(str(p.id))
        goal = staff.add_goal(
            p.id,
            GoalFields(goal_text, situation, ("memory",), ("order_list",), date(2026, 5, 4)),
            audit=by_kari,
            now=T0 - timedelta(days=4),
        )
        staff.add_rating(
            goal.id,
            rated_on=date(2026, 4, 1),
            value=1,
            comment=comment,
            audit=by_kari,
            now=T0 + timedelta(days=30),
        )
        staff.add_note(p.id, text=note, goal_id=goal.id, exercise_id=None, audit=by_kari, now=T0)
        staff.add_score(
            p.id,
            ScoreFields(
                "baseline",
                date(2026, 2, 26),
                "jmo-basis",
                "tmt",
                "b_seconds",
                81.5,
                43.0,
                "T",
                score_comment,
            ),
            audit=by_kari,
            now=T0 - timedelta(days=4),
        )
        if code == "JMO-NOTRAIN":
            continue
        for k in range(2):
            start = T0 + timedelta(days=2 * k + n, hours=n)
            sid = store.start_session(p.id, now=start)
            ids.append(str(sid))
            if k == 0:
                store.save_checkin(sid, CheckIn(rested=3, stressed=None))
            for b, (ex, practice) in enumerate(
                (("symbol_coding", True), ("go_stop", False), ("symbol_coding", False))
            ):
                rules = exercises.get(ex).rules
                state = Staircase.start(1, rules.max_level).state()
                at = start + timedelta(minutes=6 * b)
                block = store.start_block(
                    sid,
                    exercise_id=ex,
                    is_practice=practice,
                    seed=7,
                    start=state,
                    start_level=1,
                    now=at,
                )
                ids.append(str(block))
                _trials(store, block, ex, at, 5, seed=10 * k + b)
                store.end_block(
                    block,
                    status="completed",
                    active_ms=75_000.0,
                    participant_id=p.id,
                    end_state=state,
                    end_level=1,
                    now=at + timedelta(minutes=5),
                )
                if not practice:
                    store.save_reflection(block, Reflection(("group_items",), transfer))
            store.add_break(sid, 90_000.0)
            store.end_session(sid, reason="finished", now=start + timedelta(minutes=25))
        if code == "JMO-2B9X":  # opened between its two sessions, nothing trained, never ended
            ids.append(str(store.start_session(p.id, now=T0 + timedelta(days=2, hours=1))))
    return Clinic(
        codes=codes,
        staff_strings=("Kari Nordmann", "kari.nordmann", "Kari", "Nordmann", DEVICE),
        free_texts=(transfer, goal_text, situation, comment, note, score_comment),
        ids=tuple(ids),
    )


@pytest.fixture
def clinic(store: Store, monkeypatch: pytest.MonkeyPatch) -> Clinic:
    return build_clinic(store, monkeypatch)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def read_tsv(path: Path) -> tuple[list[str], list[list[str]]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{path} must end with a line end"
    header, *rows = [line.split("\t") for line in lines[:-1]]
    return header, rows


def sidecar_of(root: Path, tsv: Path) -> Path:
    """Where the dictionary of ``tsv`` is: the task file for trials, else beside it."""
    m = re.search(r"_task-([a-zA-Z0-9]+)_beh\.tsv$", tsv.name)
    if m:
        return root / f"task-{m.group(1)}_beh.json"
    return tsv.with_suffix(".json")


# -- formatting -------------------------------------------------------------------------


def test_cells_are_formatted_one_fixed_way() -> None:
    assert [fmt(None), fmt(True), fmt(False), fmt(3), fmt(""), fmt("a b")] == [
        "n/a",
        "1",
        "0",
        "3",
        "n/a",
        "a b",
    ]
    assert [fmt_float(x) for x in (812.345, 3.0, 0.25, -0.0, 1e-9, 0.1 + 0.2, 1e20)] == [
        "812.345",
        "3",
        "0.25",
        "0",
        "0",
        "0.3",
        "100000000000000000000",
    ]
    assert fmt(float("nan")) == "n/a" and fmt(float("inf")) == "n/a"
    assert escape("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert task_label("symbol_coding") == "symbolcoding"


# -- layout and dictionaries --------------------------------------------------------------


def test_layout_columns_and_missing_values(store: Store, clinic: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = export_dataset(store, out)
    assert result.path == out and out.is_dir()
    assert (result.n_participants, result.n_participants_with_trials) == (3, 2)
    assert (result.n_sessions, result.n_trials) == (5, 60)
    assert result.tasks == ("gostop", "symbolcoding")
    assert len(result.participant_ids) == 3
    names = set(files_of(out))
    for expected in (
        "dataset_description.json",
        "README",
        "participants.tsv",
        "participants.json",
        "task-symbolcoding_beh.json",
        "task-gostop_beh.json",
        "sub-001/sub-001_sessions.tsv",
        "sub-001/sub-001_sessions.json",
        "sub-001/ses-01/beh/sub-001_ses-01_task-symbolcoding_beh.tsv",
        "sub-001/ses-03/beh/sub-001_ses-03_task-gostop_beh.tsv",
        "sub-002/ses-02/beh/sub-002_ses-02_task-symbolcoding_beh.tsv",
        "derivatives/cogtrain/dataset_description.json",
        "derivatives/cogtrain/blocks.tsv",
        "derivatives/cogtrain/level_states.tsv",
        "derivatives/cogtrain/goal_ratings.tsv",
        "derivatives/cogtrain/assessments.tsv",
    ):
        assert expected in names, expected
    assert not any(n.startswith("sub-003") for n in names)  # never trained
    assert not any(n.startswith("sub-001/ses-02") for n in names)  # a session without trials
    assert "derivatives/cogtrain/notes.tsv" not in names  # free text only on request
    desc = json.loads((out / "dataset_description.json").read_text())
    assert desc["DatasetType"] == "raw" and desc["BIDSVersion"] and desc["Name"]

    header, rows = read_tsv(out / "participants.tsv")
    assert header[0] == "participant_id" and "consultant" not in " ".join(header)
    assert [r[0] for r in rows] == ["sub-001", "sub-002"]
    part = dict(zip(header, rows[0], strict=True))
    # sub-001 is JMO-2B9X (code order); its first session was on 3 March, start 27 Feb.
    assert part["start_day"] == "-4" and part["language"] == "nb"

    header, rows = read_tsv(out / "sub-002" / "sub-002_sessions.tsv")
    assert [r[0] for r in rows] == ["ses-01", "ses-02"]
    ses = [dict(zip(header, r, strict=True)) for r in rows]
    assert [s["session_day"] for s in ses] == ["0", "2"]
    assert ses[0]["checkin_rested"] == "3" and ses[0]["checkin_stressed"] == "n/a"
    assert ses[0]["break_min"] == "1.5" and ses[0]["active_min"] == "3.75"
    assert ses[0]["status"] == "completed" and ses[0]["n_trials"] == "15"

    beh = out / "sub-002/ses-01/beh/sub-002_ses-01_task-symbolcoding_beh.tsv"
    header, rows = read_tsv(beh)
    trials = [dict(zip(header, r, strict=True)) for r in rows]
    assert [(t["block_index"], t["trial_index"]) for t in trials] == [
        (b, str(i)) for b in ("1", "3") for i in range(5)
    ]
    assert {t["block_is_practice"] for t in trials[:5]} == {"1"}
    first, wrong, timeout = trials[5:8]
    assert (first["correct"], first["error_kind"], first["rt_ms"]) == ("1", "n/a", "640.125")
    assert wrong["correct"] == "0" and wrong["error_kind"] != "n/a"
    assert (timeout["timed_out"], timeout["rt_ms"]) == ("1", "n/a")
    assert first["trial_onset_s"] == "720" and first["trial_response_s"] == "720.9"
    assert json.loads(first["spec_json"])["level"] == 1
    assert json.loads(timeout["response_json"]) == {"answer": None, "timed_out": True}
    assert first["spec_target"] == str(json.loads(first["spec_json"])["target"])

    beh = out / "sub-002/ses-01/beh/sub-002_ses-01_task-gostop_beh.tsv"
    header, rows = read_tsv(beh)
    assert header[-3:] == ["stop_signal_shown_ms", "spec_json", "response_json"]
    # shown at 184.25 ms; not shown before the trial ended (twice); logged before marks.
    shown = [dict(zip(header, r, strict=True))["stop_signal_shown_ms"] for r in rows]
    assert shown == ["n/a", "184.25", "n/a", "186.25", "n/a"]

    header, rows = read_tsv(out / "sub-001" / "sub-001_sessions.tsv")
    empty = dict(zip(header, rows[1], strict=True))
    assert [r[0] for r in rows] == ["ses-01", "ses-02", "ses-03"]
    assert (empty["status"], empty["end_reason"], empty["elapsed_min"]) == ("active", "n/a", "n/a")
    assert (empty["session_day"], empty["n_trials"], empty["active_min"]) == ("1", "0", "0")

    header, rows = read_tsv(out / "derivatives/cogtrain/blocks.tsv")
    blocks = [dict(zip(header, r, strict=True)) for r in rows]
    assert [(b["participant_id"], b["session_id"]) for b in blocks[:6]] == [
        ("sub-001", "ses-01")
    ] * 3 + [("sub-001", "ses-03")] * 3
    assert [b["strategies"] for b in blocks[:3]] == ["n/a", "group_items", "group_items"]

    header, rows = read_tsv(out / "derivatives/cogtrain/goal_ratings.tsv")
    ratings = [dict(zip(header, r, strict=True)) for r in rows]
    assert [r["participant_id"] for r in ratings] == ["sub-001", "sub-002", "sub-003"]
    assert ratings[2]["rating_day"] == "n/a"  # never trained: no first session to count from
    assert ratings[0]["rating"] == "1" and ratings[0]["rating_day"] == "29"
    assert "goal_text" not in header and "comment" not in header


def test_every_tsv_has_a_dictionary_of_exactly_its_columns(
    store: Store, clinic: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    export_dataset(store, out, include_free_text=True, include_dates=True)
    tsvs = sorted(out.rglob("*.tsv"))
    assert len(tsvs) > 10
    for tsv in tsvs:
        raw = tsv.read_bytes()
        assert b"\r" not in raw, tsv
        raw.decode("utf-8")
        header, rows = read_tsv(tsv)
        sidecar = json.loads(sidecar_of(out, tsv).read_text(encoding="utf-8"))
        described = {k for k, v in sidecar.items() if isinstance(v, dict)}
        assert described == set(header), tsv
        for col in header:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", col), col
            assert sidecar[col]["Description"].strip(), (tsv, col)
        for row in rows:
            assert len(row) == len(header), (tsv, row)
            assert "" not in row, (tsv, row)  # missing is n/a, never empty
        for col, entry in sidecar.items():
            if isinstance(entry, dict) and "Levels" in entry:
                seen = {r[header.index(col)] for r in rows} - {"n/a"}
                for value in seen:
                    if "," not in value:
                        assert value in entry["Levels"], (tsv, col, value)
    task = json.loads((out / "task-gostop_beh.json").read_text())
    assert task["TaskName"] == "go_stop" and task["rt_ms"]["Units"] == "ms"
    assert task["stop_signal_shown_ms"]["Units"] == "ms"
    assert "stop-signal delay" in task["stop_signal_shown_ms"]["Description"]
    assert set(task["correct"]["Levels"]) == {"0", "1"}
    sessions = json.loads((out / "sub-001" / "sub-001_sessions.json").read_text())
    assert sessions["checkin_rested"]["Levels"]["3"] == "Rested"
    ratings = json.loads((out / "derivatives/cogtrain/goal_ratings.json").read_text())
    assert set(ratings["rating"]["Levels"]) == {"-2", "-1", "0", "1", "2"}


# -- de-identification --------------------------------------------------------------------

DATE_PATTERNS = (
    re.compile(rb"\b(19|20)\d\d-[01]\d-[0-3]\d"),  # ISO 2026-03-02
    re.compile(rb"\b[0-3]?\d\.[01]?\d\.(19|20)?\d\d\b"),  # Norwegian 2.3.2026, 02.03.26
    re.compile(rb"\b[0-3]?\d/[01]?\d/(19|20)\d\d\b"),
    re.compile(rb"\b[0-3]?\d\. ?(januar|februar|mars|april|mai|juni|juli|august)", re.I),
)


def all_bytes(out: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())


def test_nothing_identifying_is_written_by_default(
    store: Store, clinic: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    key = tmp_path / "secure" / "key.tsv"
    key.parent.mkdir()
    export_dataset(store, out, key_file=key)
    blob = all_bytes(out)
    for secret in clinic.codes + clinic.staff_strings + clinic.ids:
        assert secret.encode() not in blob, secret
    for text in clinic.free_texts:
        for piece in (text, escape(text), text.split()[0] + " " + text.split()[1]):
            assert piece.encode() not in blob, piece
    for pattern in DATE_PATTERNS:
        assert not pattern.search(blob), pattern.search(blob)
    assert b"2026" not in blob
    # The key is written, outside the dataset only, and says which label is which code.
    _, rows = read_tsv(key)
    assert rows == [["sub-001", "JMO-2B9X"], ["sub-002", "JMO-7Q4K"], ["sub-003", "JMO-NOTRAIN"]]
    assert key.stat().st_mode & 0o077 == 0


def test_free_text_and_dates_appear_only_when_asked_for(
    store: Store, clinic: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    export_dataset(store, out, include_free_text=True, include_dates=True)
    blob = all_bytes(out)
    for text in clinic.free_texts:
        assert escape(text).encode() in blob, text
    assert b"2026-03-02T07:30:00Z" in blob  # acq_time of the first session, UTC
    assert b"2026-04-01" in blob  # the rating day
    # Codes, staff and devices stay out even then.
    for secret in clinic.codes + clinic.staff_strings + clinic.ids:
        assert secret.encode() not in blob, secret
    header, rows = read_tsv(out / "derivatives/cogtrain/notes.tsv")
    assert header[-1] == "text" and len(rows) == 3


# -- atomicity and refusals ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["export", "export.zip"])
def test_a_failure_mid_export_leaves_nothing(
    store: Store, clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    real = beh_files.open_trial_file
    calls = {"n": 0}

    def failing(path: Path):  # noqa: ANN202
        calls["n"] += 1
        fh = real(path)
        if calls["n"] == 3:  # the third trial file: the disk fills up as it is written
            fh.close()
            raise OSError(28, "No space left on device")
        return fh

    monkeypatch.setattr(beh_files, "open_trial_file", failing)
    key = tmp_path / "key.tsv"
    with pytest.raises(ExportError) as err:
        export_dataset(store, tmp_path / name, key_file=key)
    assert "No space left" in err.value.message and "Nothing was left" in err.value.hint
    leftovers = [p.name for p in tmp_path.iterdir() if not p.name.startswith("cogtrain.sqlite3")]
    assert leftovers == []  # no partial folder, zip or key file
    assert not (tmp_path / name).exists() and not key.exists()


def test_any_error_removes_the_partial_folder(store: Store, clinic: Clinic, tmp_path: Path) -> None:
    def boom(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(KeyboardInterrupt):
        export_dataset(store, folder / "export.zip", progress=boom)
    assert list(folder.iterdir()) == []


def test_an_existing_destination_is_refused(store: Store, clinic: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ExportError) as err:
        export_dataset(store, out)
    assert "already exists" in err.value.message and "new name" in err.value.hint
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    (tmp_path / "old.zip").write_bytes(b"old")
    with pytest.raises(ExportError, match="already exists"):
        export_dataset(store, tmp_path / "old.zip")
    assert (tmp_path / "old.zip").read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_a_key_file_inside_the_dataset_or_existing_is_refused(
    store: Store, clinic: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    with pytest.raises(ExportError, match="inside the exported dataset"):
        export_dataset(store, out, key_file=out / "key.tsv")
    with pytest.raises(ExportError, match="inside the exported dataset"):
        export_dataset(store, tmp_path / "x.zip", key_file=tmp_path / "x.zip")
    (tmp_path / "key.tsv").write_text("old key")
    with pytest.raises(ExportError, match="already exists"):
        export_dataset(store, out, key_file=tmp_path / "key.tsv")
    assert not out.exists()


def test_only_the_selected_participants_are_exported(
    store: Store, clinic: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    result = export_dataset(store, out, participant_codes=["JMO-7Q4K", "jmo-notrain"])
    assert result.n_participants == 2 and result.n_participants_with_trials == 1
    _, rows = read_tsv(out / "participants.tsv")
    assert [r[0] for r in rows] == ["sub-001"]
    _, ratings = read_tsv(out / "derivatives/cogtrain/goal_ratings.tsv")
    assert [r[0] for r in ratings] == ["sub-001", "sub-002"]
    assert not (out / "sub-002").exists()
    assert result.n_trials == 30
    with pytest.raises(ExportError, match="'NOPE-1'"):
        export_dataset(store, tmp_path / "other", participant_codes=["NOPE-1"])
    assert not (tmp_path / "other").exists()


def test_progress_counts_up_to_the_total(store: Store, clinic: Clinic, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export_dataset(store, tmp_path / "export", progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 60) and seen[-1] == (60, 60)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize("workers", [0, 2])
def test_trials_logged_during_an_export_are_not_half_in_it(
    store: Store, clinic: Clinic, tmp_path: Path, workers: int
) -> None:
    """One read snapshot: a trial committed mid-export is in no file and no count, also
    when worker processes read the trials through their own connections."""
    sid = store.sessions_of(store.participants()[1].id)[0].id
    block = store.blocks_of_session(sid)[1].id
    logged = []

    def log_new(done: int, total: int) -> None:
        if done and not logged:
            logged.append(done)
            rules = exercises.get("go_stop").rules
            spec = rules.new_trial(1, np.random.default_rng(5))
            resp = rules.correct_response(spec)
            store.log_trial(
                block,
                TrialRecord(
                    99, 1, spec.to_json(), resp.to_json(), True, None, 500.0, T0, T0, 1.0, 1.0
                ),
            )

    result = export_dataset(store, tmp_path / "export", progress=log_new, workers=workers)
    assert logged and result.n_trials == 60
    rows = sum(len(read_tsv(p)[1]) for p in (tmp_path / "export").rglob("*_beh.tsv"))
    assert rows == 60
    assert sum(len(store.trials_of_block(b.id)) for b in store.blocks_of_session(sid)) == 16


# -- determinism --------------------------------------------------------------------------


def test_the_same_database_gives_the_same_bytes(
    store: Store, clinic: Clinic, tmp_path: Path
) -> None:
    for flags in ({}, {"include_free_text": True, "include_dates": True}):
        a, b = tmp_path / f"a{len(flags)}", tmp_path / f"b{len(flags)}"
        a.mkdir()
        b.mkdir()
        export_dataset(store, a / "export", **flags)
        export_dataset(store, b / "export", **flags)
        assert files_of(a / "export") == files_of(b / "export")
        export_dataset(store, a / "export.zip", **flags)
        export_dataset(store, b / "export.zip", **flags)
        assert (a / "export.zip").read_bytes() == (b / "export.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a0" / "export.zip") as zf:
        infos = zf.infolist()
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        unzipped = {i.filename.removeprefix("export/"): zf.read(i) for i in infos}
    assert unzipped == files_of(tmp_path / "a0" / "export")


def test_worker_processes_write_the_same_bytes(
    store: Store, clinic: Clinic, tmp_path: Path
) -> None:
    """A large SQLite clinic's trial files are written by worker processes, each reading
    through its own connection; the dataset must not change by a byte."""
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir()
    parallel.mkdir()
    export_dataset(store, serial / "export", workers=0)
    result = export_dataset(store, parallel / "export", workers=3)
    assert result.n_trials == 60
    assert files_of(parallel / "export") == files_of(serial / "export")
    assert sum(1 for name in files_of(serial / "export") if name.endswith("_beh.tsv")) > 4


def test_a_worker_that_cannot_read_says_why(tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite3"
    with pytest.raises(beh_files.WorkerFailure) as err:
        beh_files.write_in_worker(str(missing), 10, [], {})
    assert str(missing) in err.value.message and err.value.hint


# -- the official validator ---------------------------------------------------------------


def _validator_missing() -> str | None:
    missing = [tool for tool in ("node", "npm", "bash") if shutil.which(tool) is None]
    if missing:
        return (
            f"BIDS VALIDATOR NOT RUN: {', '.join(missing)} not installed; install Node.js "
            "and npm (Debian: apt-get install nodejs npm) to check the export layout"
        )
    return None


@pytest.mark.slow
def test_the_bids_validator_finds_no_errors(store: Store, clinic: Clinic, tmp_path: Path) -> None:
    reason = _validator_missing()
    if reason:
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    plain = tmp_path / "export"
    export_dataset(store, plain)
    full = tmp_path / "full.zip"
    export_dataset(store, full, include_free_text=True, include_dates=True)
    for target in (plain, full):
        run = subprocess.run(
            ["bash", str(VALIDATOR), str(target)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        report = run.stdout + run.stderr
        assert run.returncode == 0, report
        assert "[ERR]" not in report, report
        assert "bids-validator@" in report, report
        assert "2 - Subjects" in report, report
