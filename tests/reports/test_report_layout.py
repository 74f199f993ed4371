"""How the printed report breaks into A4 pages: rules that can be read off the HTML, the
CSS and the PDF's pages, rather than by looking at pixels.

The layout problem these guard against: page 1 left a third empty because the levels
heading had to go with its chart (which is never split) onto page 2; and a short table's
caption printed alone on a last page.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from cogtrain.reports.progress_data import NoteFact
from cogtrain.reports.report import CSS_PATH, AssessmentSummaryRow, render_pdf
from tests.reports.test_report import html_of, progress, report, tr

FORCED_BREAK = re.compile(
    r"(page-)?break-(before|after)\s*:\s*(page|always|left|right|recto|verso)", re.I
)


def _rules(css: str) -> dict[str, str]:
    """Selector -> declarations of every innermost block (comments removed)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for sel in selectors.split(","):
            sel = " ".join(sel.split())
            out[sel] = out.get(sel, "") + body
    return out


def _has(decls: str, prop: str, value: str) -> bool:
    return re.search(rf"(^|[;\s]){re.escape(prop)}\s*:\s*{re.escape(value)}\b", decls) is not None


def test_headings_go_with_what_follows_and_whole_things_are_never_split() -> None:
    rules = _rules(CSS_PATH.read_text(encoding="utf-8"))
    for heading in ("h1", "h2", "h3"):
        assert _has(rules[heading], "break-after", "avoid"), heading
    for whole in ("figure", "table.data tr", ".note", ".scale", "section.assessment"):
        assert _has(rules[whole], "break-inside", "avoid"), whole
    assert _has(rules["section"], "orphans", "2") and _has(rules["section"], "widows", "2")


def test_nothing_forces_a_page_break() -> None:
    """A forced break is what leaves half pages blank; the flow decides alone."""
    page = html_of(report())
    assert not FORCED_BREAK.search(CSS_PATH.read_text(encoding="utf-8"))
    assert not FORCED_BREAK.search(page)


def test_a_chart_carries_its_heading_inside_the_part_that_is_never_split() -> None:
    page = html_of(report())
    figures = re.findall(r"<figure>(.*?)</figure>", page, flags=re.S)
    assert len(figures) == 2
    for fig in figures:
        assert re.match(r"<figcaption><h3>[^<]+</h3></figcaption><img ", fig), fig[:80]


def test_the_levels_table_comes_before_the_chart_so_page_one_fills() -> None:
    page = html_of(report())
    section = re.search(r'<section class="levels">(.*?)</section>', page, flags=re.S)
    assert section is not None
    body = section.group(1)
    assert body.index('<table class="data">') < body.index("<figure>")
    assert body.index(tr("Per exercise")) < body.index(tr("Level by session, per domain"))


def _pages(pdf: bytes) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _notes(n: int) -> tuple[NoteFact, ...]:
    return tuple(
        NoteFact(
            f"n{k}",
            datetime(2024, 9, 3, 12, tzinfo=UTC) + timedelta(days=7 * k),
            "Kari Nordmann",
            "Snakket om hvordan huskelisten brukes på lageret, og hva som kan prøves neste uke.",
        )
        for k in range(n)
    )


ROWS = (
    AssessmentSummaryRow("memory", 38.0, 45.0, "Litt over forrige måling"),
    AssessmentSummaryRow("attention", 42.0, 47.5, "Omtrent som forventet"),
    AssessmentSummaryRow("processing_speed", 40.0, 44.0, "Litt raskere enn før"),
)


@pytest.mark.parametrize("n_notes", range(0, 9))
def test_pdf_keeps_the_short_assessment_table_and_its_caption_on_one_page(n_notes: int) -> None:
    """However far down the notes push it, the before/after table moves as a whole."""
    pages = _pages(render_pdf(report(notes=_notes(n_notes), assessment=ROWS)))
    caption = tr("Before and after are T-scores, where 50 is the average.")
    heading = tr("Assessment before and after")
    on = [i for i, text in enumerate(pages) if " ".join(caption.split()[:4]) in text]
    assert len(on) == 1
    text = pages[on[0]]
    assert heading in text and "Litt over forrige måling" in text
    assert "Litt raskere enn før" in text


def test_pdf_page_one_holds_the_levels_heading_and_the_exercise_table() -> None:
    pages = _pages(render_pdf(report(progress=progress(29))))
    assert tr("Levels") in pages[0] and tr("Per exercise") in pages[0]
    assert "Symbolkoding" in pages[0]
