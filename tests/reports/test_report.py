"""The printable progress report: real content, self-contained HTML, a real PDF, determinism."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cogtrain import i18n, paths
from cogtrain.reports.progress_data import (
    BlockFact,
    GoalFact,
    NoteFact,
    PlanFacts,
    ProgressScreenData,
    RatingFact,
    SessionFact,
    progress_screen,
)
from cogtrain.reports.report import (
    CHART_PX,
    AssessmentSummaryRow,
    ReportInput,
    render_html,
    render_pdf,
)

TODAY = date(2024, 12, 12)
PLAN = PlanFacts(training_days=(1, 4), start=date(2024, 9, 2), session_minutes=50, target_hours=40)
EXERCISES = [
    ("symbol_coding", "processing_speed"),
    ("conveyor_watch", "attention"),
    ("nback_dispatch", "memory"),
    ("names_and_codes", "memory"),
    ("sorting_rules", "problem_solving"),
]
TITLES = {
    "symbol_coding": "Symbol coding",
    "conveyor_watch": "Conveyor watch",
    "nback_dispatch": "N-back dispatch",
    "names_and_codes": "Names and codes",
    "sorting_rules": "Sorting rules",
}
GOALS = [
    GoalFact("g1", "Huske avtaler og beskjeder på jobben uten å skrive alt ned"),
    GoalFact("g2", "Holde fokus i møter på praksisplassen"),
    GoalFact("g3", "Bli tryggere på å ta ordet", archived=True),
]
STAFF_NOTE = "Snakket om å bruke huskeliste på lageret; fungerer godt."
PARTICIPANT_NOTE = "Jeg brukte strategien fra øvelsen da jeg pakket varer i dag."
COMMENT = "Husket tre av fire avtaler denne uka"


def history(
    n_sessions: int = 29, first: datetime = datetime(2024, 9, 2, 7, 30, tzinfo=UTC)
) -> tuple[list[SessionFact], list[BlockFact]]:
    """Mondays and Thursdays of 50 minutes (one Thursday in week 41 skipped)."""
    sessions: list[SessionFact] = []
    blocks: list[BlockFact] = []
    k = 0
    i = 0
    while len(sessions) < n_sessions:
        started = first + timedelta(days=7 * (k // 2) + 3 * (k % 2))
        k += 1
        if started.date() == date(2024, 10, 10):
            continue
        sid = f"s{i:02d}"
        sessions.append(SessionFact(sid, started, 50 * 60_000.0, 1 + i % 3, 1 + (i * 2) % 3))
        for j, (exercise, domain) in enumerate(EXERCISES):
            level = 1 + (i * (j + 2)) // 9
            blocks.append(BlockFact(sid, started, exercise, domain, False, level, 600_000.0))
        i += 1
    return sessions, blocks


def ratings() -> list[RatingFact]:
    out = [
        RatingFact(
            g.goal_id, date(2024, 9, 2) + timedelta(days=14 * k), max(-2, min(2, k // 2 - 2 + n))
        )
        for n, g in enumerate(GOALS)
        for k in range(7)
    ]
    out.append(RatingFact("g1", date(2024, 12, 9), 1, comment=COMMENT))
    return out


def notes() -> list[NoteFact]:
    return [
        NoteFact("n1", datetime(2024, 10, 3, 12, 0, tzinfo=UTC), "Kari Nordmann", STAFF_NOTE),
        NoteFact(
            "n2",
            datetime(2024, 11, 7, 9, 0, tzinfo=UTC),
            "",
            PARTICIPANT_NOTE,
            exercise_id="sorting_rules",
            source="participant",
        ),
    ]


def progress(n_sessions: int = 29, today: date = TODAY) -> ProgressScreenData:
    sessions, blocks = history(n_sessions)
    return progress_screen(PLAN, sessions, blocks, GOALS, ratings(), notes(), today)


def report(**changes: object) -> ReportInput:
    base = ReportInput(
        code="JMO-0417",
        plan_name="Standard 40 timer",
        today=TODAY,
        progress=progress(),
        exercise_titles=TITLES,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


ASSESSMENT = (
    AssessmentSummaryRow("memory", 38.0, 45.0, "Litt over forrige måling"),
    AssessmentSummaryRow("attention", 42.5, None, "Ikke målt etterpå ennå"),
)


def tr(msgid: str, lang: str = "nb") -> str:
    """``msgid`` in ``lang`` from the catalogue: the report's new strings are checked to
    come from the catalogue whether or not they are translated yet."""
    before = i18n.current_language()
    i18n.set_language(lang)
    try:
        return str(i18n._(msgid))
    finally:
        i18n.set_language(before)


def html_of(inp: ReportInput) -> str:
    return render_html(inp).decode("utf-8")


def text_of(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# --------------------------------------------------------------------------- HTML


def test_html_shows_code_plan_date_and_hours_in_norwegian() -> None:
    page = html_of(report())
    text = text_of(page)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="nb">' in page
    assert "12.\xa0desember\xa02024" in page  # never split over two lines
    for words in (
        tr("Progress report"),
        "Deltakerkode JMO-0417",
        "Treningsplan Standard 40 timer",
        "Standard 40 timer",
        "12. desember 2024",
        "Du har trent 24,2 av 40 timer.",
        "Timer trent",
        "Mål og måloppnåelse",
        "Nivå per økt, per område",
        "Måloppnåelse, fra −2 til +2",
        "Per øvelse",
        "Symbolkoding",  # the exercise title, translated from its msgid
    ):
        assert words in text, words


def test_html_is_english_when_asked_and_the_language_is_restored() -> None:
    page = html_of(report(language="en"))
    text = text_of(page)
    assert '<html lang="en">' in page
    for words in (
        "You have trained 24.2 of 40 hours.",
        "Hours trained",
        "Goals and ratings",
        "Level by session, per domain",
        "Participant code",
        "Symbol coding",
    ):
        assert words in text, words
    assert "Deltakerkode" not in text and "Timer trent" not in text
    assert i18n.current_language() == "nb"


def test_html_has_one_valid_png_per_chart() -> None:
    page = html_of(report())
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2 == page.count("<img ")
    for data64 in images:
        png = base64.b64decode(data64, validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert png[12:16] == b"IHDR"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (width, height) == CHART_PX


def test_html_is_self_contained() -> None:
    page = html_of(report(notes=notes(), assessment=ASSESSMENT))
    refs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page) + re.findall(
        r"url\(\s*\"?([^\")]*)", page
    )
    assert refs, "the charts and fonts are referenced"
    assert all(ref.startswith("data:") for ref in refs), [r[:40] for r in refs]
    assert "http" not in page
    assert "<link" not in page and "<script" not in page
    assert page.count("@font-face") == 2 and "data:font/ttf;base64," in page
    assert "@page" in page and "size: A4" in page


def test_html_lists_goals_with_their_ratings() -> None:
    text = text_of(html_of(report()))
    assert "Huske avtaler og beskjeder på jobben uten å skrive alt ned" in text
    assert "Holde fokus i møter på praksisplassen" in text
    assert "Bli tryggere på å ta ordet (arkivert)" in text
    assert "09.12.2024 +1" in text
    assert "02.09.2024 −2" in text  # the typographic minus, from Babel


def test_html_attendance_shows_the_weeks_and_sessions() -> None:
    page = html_of(report())
    text = text_of(page)
    assert "Oppmøte, siste 12 uker" in text
    done = i18n.ngettext("You have done {n} session.", "You have done {n} sessions.", 29)
    assert done.format(n=29) in text
    assert "Neste økt: mandag 16. desember" in text
    # This week (50): Monday and today's Thursday done; week 41: one of two done.
    assert '<th class="now">50</th>' in page
    assert page.count('<td class="pips now">') == 1
    assert page.count('<span class="pip done"></span>') == 23 + 1  # 12 weeks, + the legend
    assert page.count('<span class="pip planned"></span>') == 1 + 1
    assert "Uke 39 40 41" in text and "100 100 50 100" in text


def test_notes_and_comments_are_left_out_unless_asked() -> None:
    text = text_of(html_of(report()))
    assert STAFF_NOTE not in text and PARTICIPANT_NOTE not in text and COMMENT not in text
    assert tr("Notes") not in text

    text = text_of(html_of(report(notes=notes()[:1])))
    assert STAFF_NOTE in text and PARTICIPANT_NOTE not in text
    assert "Kari Nordmann" in text

    text = text_of(html_of(report(notes=notes(), rating_comments=True)))
    assert STAFF_NOTE in text and PARTICIPANT_NOTE in text and COMMENT in text
    assert "deltaker, etter Sorteringsregler" in text
    assert text.index(STAFF_NOTE) < text.index(PARTICIPANT_NOTE)  # oldest first


def test_assessment_rows_are_rendered_as_given() -> None:
    heading = tr("Assessment before and after")
    assert heading not in text_of(html_of(report()))
    text = text_of(html_of(report(assessment=ASSESSMENT)))
    assert heading in text
    assert "Hukommelse 38 45 Litt over forrige måling" in text
    assert "Oppmerksomhet 42,5 – Ikke målt etterpå ennå" in text


def test_data_is_escaped() -> None:
    goal = GoalFact("g9", '<b>Være "på" & høre</b>')
    p = progress_screen(PLAN, [], [], [goal], [], [], TODAY)
    page = html_of(report(progress=p, code="A<1>"))
    assert "<b>Være" not in page and "&lt;b&gt;Være &quot;på&quot; &amp; høre" in page
    assert "A&lt;1&gt;" in page and "A<1>" not in page.split("<style>")[1].split("</style>")[0]


def test_a_participant_without_sessions_gets_a_calm_report() -> None:
    p = progress_screen(PLAN, [], [], [], [], [], date(2024, 9, 2))
    text = text_of(html_of(report(progress=p, today=date(2024, 9, 2))))
    assert "Du har trent 0 av 40 timer." in text
    assert "Ingen økter ennå" in text and "Ingen mål ennå." in text
    assert "<img " not in html_of(report(progress=p, today=date(2024, 9, 2)))


def test_input_is_checked() -> None:
    with pytest.raises(ValueError, match="after the report"):
        report(today=TODAY - timedelta(days=1))
    with pytest.raises(ValueError, match="language"):
        report(language="sv")
    with pytest.raises(TypeError):
        report(today=datetime(2024, 12, 12, tzinfo=UTC))
    with pytest.raises(TypeError):
        AssessmentSummaryRow("memory", "45", None, "")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- PDF


def pdf_text(pdf: bytes) -> tuple[int, str]:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_pdf_is_a_short_a4_document_with_the_code() -> None:
    pdf = render_pdf(report(notes=notes(), assessment=ASSESSMENT))
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert 2 <= page_count(pdf) <= 4
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf
    assert b"AtkinsonHyperlegible" in pdf  # the font is embedded
    assert pdf.count(b"/Subtype /Image") >= 2  # the two charts
    n_pages, text = pdf_text(pdf)
    assert n_pages == page_count(pdf)
    for words in (
        "JMO-0417",
        tr("Progress report"),
        "Du har trent 24,2 av 40 timer.",
        "Timer trent",
        "Mål og måloppnåelse",
        "Holde fokus i møter på praksisplassen",
        tr("Assessment before and after"),
        STAFF_NOTE,
        f"Side 1 av {n_pages}",
        f"Side {n_pages} av {n_pages}",
    ):
        assert words in text, words


def test_pdf_in_english_leaves_notes_out_by_default() -> None:
    pdf = render_pdf(report(language="en"))
    _n, text = pdf_text(pdf)
    assert "Progress report" in text and "You have trained 24.2 of 40 hours." in text
    assert STAFF_NOTE not in text and PARTICIPANT_NOTE not in text
    assert i18n.current_language() == "nb"


def test_pdf_of_an_empty_history_is_one_page() -> None:
    p = progress_screen(PLAN, [], [], [], [], [], date(2024, 9, 2))
    pdf = render_pdf(report(progress=p, today=date(2024, 9, 2)))
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1


def test_pdf_draws_letters_the_report_font_lacks() -> None:
    odd = NoteFact("n3", datetime(2024, 12, 2, 9, 0, tzinfo=UTC), "Kari", "Bra økt ✓ → lageret")
    pdf = render_pdf(report(notes=[odd]))
    assert b"DejaVu" in pdf  # the fallback font, for the check mark and the arrow
    _n, text = pdf_text(pdf)
    assert "Bra økt ✓ → lageret" in text


def test_without_the_atkinson_files_both_fall_back_to_dejavu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "FONTS_DIR", tmp_path)
    page = html_of(report())
    assert "@font-face" not in page and "Atkinson Hyperlegible" in page  # named, not embedded
    pdf = render_pdf(report())
    assert b"DejaVu" in pdf and b"AtkinsonHyperlegible" not in pdf
    _n, text = pdf_text(pdf)
    assert "Du har trent 24,2 av 40 timer." in text


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("language", ["nb", "en"])
def test_same_input_gives_the_same_bytes(language: str) -> None:
    inp = report(language=language, notes=notes(), assessment=ASSESSMENT, rating_comments=True)
    again = report(language=language, notes=notes(), assessment=ASSESSMENT, rating_comments=True)
    assert render_html(inp) == render_html(again)
    first = render_pdf(inp)
    assert first == render_pdf(again)
    stamp = b"D:20241212000000Z"
    assert stamp in first  # the report's date, not the clock


@pytest.mark.slow
def test_another_process_gives_the_same_bytes() -> None:
    """No set order, hash seed or clock leaks in: a fresh interpreter agrees."""
    code = (
        "import hashlib, sys; from cogtrain import i18n; i18n.set_language('nb');"
        "from tests.reports.test_report import report, notes, ASSESSMENT;"
        "from cogtrain.reports.report import render_html, render_pdf;"
        "inp = report(notes=notes(), assessment=ASSESSMENT);"
        "print(hashlib.sha256(render_html(inp) + render_pdf(inp)).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    inp = report(notes=notes(), assessment=ASSESSMENT)
    here = hashlib.sha256(render_html(inp) + render_pdf(inp)).hexdigest()
    assert out.stdout.strip() == here


def test_the_report_date_changes_the_pdf_date() -> None:
    later = report(today=TODAY + timedelta(days=1))
    assert b"D:20241213000000Z" in render_pdf(later)
