"""One participant's printable progress report (fremdriftsrapport), as HTML and as PDF.

The work consultant prints it for the review meeting, and the participant keeps it, so
it speaks to the participant (*du*) and tells what was done: the hours trained toward
the target with the plan's pace marked, the sessions week by week, the levels reached
per domain, the goals with their ratings, the notes the consultant chose, and the
assessment before and after when there is one. The same wording as the progress screen
(:mod:`cogtrain.runtime.staff.progress`), so the translations are shared.

Pure: plain data in (:class:`ReportInput`), bytes out. Nothing here reads the clock,
the database or the screen; the report's date is an argument, and the same input gives
byte-identical output (the PDF's creation date is the report's date, at midnight UTC).

* :func:`render_html`: one self-contained file (inline CSS from ``report.css``, the
  charts as ``data:`` PNG images, Atkinson Hyperlegible embedded as base64 ``@font-face``;
  no external address at all), laid out for A4 when printed.
* :func:`render_pdf`: an A4 PDF drawn with fpdf2 (imported only when a PDF is made), with
  the Atkinson fonts embedded (subset) and the same chart images.

Privacy: the participant is named by their pseudonymous code only. Of the free text in
the record, only the goals (the report's subject) are printed by default; notes appear
only when the caller passes them in :attr:`ReportInput.notes`, and the comments written
with goal ratings only with :attr:`ReportInput.rating_comments`.

The report is drawn in :attr:`ReportInput.language` (the active language when ``None``);
the language is switched for the drawing and switched back afterwards, so this is not
meant to run in two threads at once (nor is the rest of the i18n layer).
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING

from babel import dates as babel_dates

from cogtrain import paths
from cogtrain.i18n import (
    SUPPORTED_LANGUAGES,
    _,
    babel_locale,
    current_language,
    ngettext,
    number,
    set_language,
    weekday_date,
)
from cogtrain.reports import charts
from cogtrain.reports.progress_data import LevelCurve, NoteFact, ProgressScreenData, local_day
from cogtrain.staff.goal_scale import GAS_LEVELS
from cogtrain.training.exercise import domain_label

if TYPE_CHECKING:
    from fpdf import FPDF

CSS_PATH = Path(__file__).with_name("report.css")
CHART_PX: tuple[int, int] = (1500, 660)
"""Chart pixels: about 220 dpi across the A4 text width, with the chart's large text."""
SEPARATOR = " · "
DASH = "\u2013"
FONT_FILES = {"": "AtkinsonHyperlegible-Regular.ttf", "B": "AtkinsonHyperlegible-Bold.ttf"}


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class AssessmentSummaryRow:
    """One line of the assessment before / after: a domain, two T-scores, plain words.

    ``domain`` is a domain key (``"memory"``, shown translated) or a name to show as it
    is; ``baseline`` and ``post`` are T-scores (``None``: not measured then); ``words``
    is the plain-language summary, shown as it is.
    """

    domain: str
    baseline: float | None
    post: float | None
    words: str

    def __post_init__(self) -> None:
        for name in ("baseline", "post"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, Real)):
                raise TypeError(f"{name} must be a T-score (a number) or None, not {value!r}")


@dataclass(frozen=True)
class ReportInput:
    """Everything one report shows, as plain data.

    ``exercise_titles`` maps exercise ids to their titles, either the exercise's msgid
    (translated here, so one input serves both languages) or already translated; an id
    without a title is shown as it is. ``notes`` are the notes to print, chosen by the
    caller (none by default: ``progress.notes`` is never printed on its own), printed
    oldest first. ``rating_comments`` prints the comments written with goal ratings.
    ``assessment`` rows are printed as given; no rows, no assessment section.
    """

    code: str
    plan_name: str
    today: date
    progress: ProgressScreenData
    exercise_titles: Mapping[str, str] = field(default_factory=dict)
    notes: Sequence[NoteFact] = ()
    rating_comments: bool = False
    assessment: Sequence[AssessmentSummaryRow] = ()
    language: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code.strip():
            raise ValueError(f"code must be the participant's code, not {self.code!r}")
        if isinstance(self.today, datetime) or not isinstance(self.today, date):
            raise TypeError(f"today must be a date (not a datetime), not {self.today!r}")
        if self.progress.today > self.today:
            raise ValueError(
                f"the progress data is of {self.progress.today}, after the report's {self.today}"
            )
        if self.language is not None and self.language not in SUPPORTED_LANGUAGES:
            raise ValueError(
                f"language must be one of {SUPPORTED_LANGUAGES}, not {self.language!r}"
            )


# --------------------------------------------------------------------------- words


@contextmanager
def _language(lang: str | None) -> Iterator[str]:
    before = current_language()
    if lang is None or lang == before:
        yield before
        return
    set_language(lang)
    try:
        yield lang
    finally:
        set_language(before)


def _short_date(day: date) -> str:
    # The patterns of cogtrain.runtime.staff.dates, which the reports layer may not import.
    if current_language() == "nb":
        return babel_dates.format_date(day, format="dd.MM.yyyy", locale=babel_locale())
    return babel_dates.format_date(day, format="d MMM yyyy", locale=babel_locale())


def _long_date(day: date) -> str:
    pattern = "d. MMMM y" if current_language() == "nb" else "d MMMM y"
    return babel_dates.format_date(day, format=pattern, locale=babel_locale()).replace(
        " ", "\u00a0"
    )


def _num(value: float) -> str:
    """Whole numbers without decimals, else one decimal, the local way (12,5)."""
    if abs(value - round(value)) < 0.05:
        return number(round(value))
    return number(value, decimals=1)


def _signed(value: int) -> str:
    """A rating as on the scale, with the typographic minus of the captions: −2, 0, +1."""
    return ("+" if value > 0 else "") + number(value).replace("-", "\u2212")


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class _Chart:
    caption: str
    png: bytes
    width_px: int
    height_px: int


@dataclass(frozen=True)
class _Week:
    label: str
    done: int
    planned_left: int
    minutes: str
    current: bool


@dataclass(frozen=True)
class _Goal:
    text: str
    ratings: tuple[tuple[str, str], ...]
    comments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    widths: tuple[float, ...]
    """Relative column widths (for the PDF)."""


@dataclass(frozen=True)
class _Doc:
    """The report's words and pictures, translated, ready for either writer."""

    lang: str
    title: str
    meta: tuple[tuple[str, str], ...]
    footer: str
    page_of: str
    hours_heading: str
    hours_lead: str
    hours_figure: str
    hours_fraction: float
    expected_fraction: float
    expected_text: str
    pace_text: str
    attendance_heading: str
    weeks: tuple[_Week, ...]
    week_label: str
    sessions_label: str
    minutes_label: str
    legend: tuple[str, str]
    attendance_lines: tuple[str, ...]
    levels_heading: str
    level_chart: _Chart | None
    exercise_heading: str
    exercise_table: _Table | None
    goals_heading: str
    ratings_chart: _Chart | None
    goals: tuple[_Goal, ...]
    rating_column: str
    scale_heading: str
    scale: tuple[tuple[str, str], ...]
    notes_heading: str
    notes: tuple[tuple[str, str], ...]
    assessment_heading: str
    assessment_caption: str
    assessment: _Table | None
    empty_text: Mapping[str, str]

    def strings(self) -> Iterator[str]:
        """Every piece of text (to find glyphs the report font lacks)."""
        for value in vars(self).values():
            yield from _strings(value)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, _Chart | bytes | float | int) or value is None:
        return
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, _Week | _Goal | _Table):
        yield from _strings(tuple(vars(value).values()))
    else:
        for v in value:  # type: ignore[attr-defined]
            yield from _strings(v)


def _chart(caption: str, image: charts.ChartImage) -> _Chart:
    return _Chart(caption, charts.render_png(image), image.width_px, image.height_px)


def _title(titles: Mapping[str, str], exercise_id: str) -> str:
    title = titles.get(exercise_id)
    return str(_(title)) if title else exercise_id


def _note_author(note: NoteFact, titles: Mapping[str, str]) -> str:
    if note.source == "participant":
        if note.exercise_id:
            return _("participant, after {exercise}").format(
                exercise=_title(titles, note.exercise_id)
            )
        return _("participant")
    return note.author if note.author else _("staff")


def _weeks(p: ProgressScreenData) -> tuple[_Week, ...]:
    out: list[_Week] = []
    for cell in p.attendance:
        if cell.before_start:
            continue
        total = max(cell.sessions_planned, cell.sessions_done + cell.sessions_missed)
        minutes = number(cell.active_minutes) if cell.active_minutes >= 0.5 else DASH
        out.append(
            _Week(
                label=number(cell.iso_week),
                done=cell.sessions_done,
                planned_left=total - cell.sessions_done,
                minutes=minutes,
                current=cell.is_current,
            )
        )
    return tuple(out)


def _exercise_table(curves: Mapping[str, LevelCurve], titles: Mapping[str, str]) -> _Table | None:
    rows = [
        (
            _title(titles, key),
            number(len(c.points)),
            _num(c.points[0].level),
            _num(c.points[-1].level),
        )
        for key, c in curves.items()
        if c.points
    ]
    if not rows:
        return None
    rows.sort(key=lambda r: (r[0].casefold(), r[0]))
    return _Table(
        headers=(_("Exercise"), _("Sessions"), _("First level"), _("Level now")),
        rows=tuple(rows),
        numeric=(False, True, True, True),
        widths=(0.46, 0.18, 0.18, 0.18),
    )


def _assessment_table(rows: Sequence[AssessmentSummaryRow]) -> _Table | None:
    if not rows:
        return None

    def t(value: float | None) -> str:
        return DASH if value is None else _num(float(value))

    return _Table(
        headers=(_("Domain"), _("Before training"), _("After training"), _("In words")),
        rows=tuple(
            (str(domain_label(r.domain)), t(r.baseline), t(r.post), _one_line(r.words))
            for r in rows
        ),
        numeric=(False, True, True, False),
        widths=(0.24, 0.15, 0.15, 0.46),
    )


def _build(inp: ReportInput, lang: str) -> _Doc:
    p = inp.progress
    h = p.hours
    titles = inp.exercise_titles

    expected = _("expected by now {hours}").format(hours=_num(h.expected_hours))
    if h.completed_on is not None:
        pace = _("target reached on {date}").format(date=_long_date(h.completed_on))
    elif h.projected_finish is not None:
        pace = _("at the recent pace done around {date}").format(
            date=_long_date(h.projected_finish)
        )
    else:
        pace = ""

    lines: list[str] = []
    if p.sessions_done:  # what was done; nothing to count before the first session
        lines.append(
            ngettext(
                "You have done {n} session.", "You have done {n} sessions.", p.sessions_done
            ).format(n=number(p.sessions_done))
        )
    if p.next_session is not None:
        lines.append(_("Next session: {day}").format(day=weekday_date(p.next_session)))
    elif h.completed_on is not None:
        lines.append(_("All planned hours are done."))
    weeks = _weeks(p)

    has_levels = any(c.points for c in p.levels_by_domain.values())
    level_chart = (
        _chart(
            _("Level by session, per domain"),
            charts.level_chart(p.levels_by_domain, charts.domain_labels(), CHART_PX, title=False),
        )
        if has_levels
        else None
    )
    has_ratings = any(g.ratings for g in p.goals)
    ratings_chart = (
        _chart(
            _("Goal ratings, from −2 to +2"), charts.ratings_chart(p.goals, CHART_PX, title=False)
        )
        if has_ratings
        else None
    )

    goals: list[_Goal] = []
    for g in p.goals:
        text = _one_line(g.text)
        if g.archived:
            text = _("{goal} (archived)").format(goal=text)
        comments: tuple[tuple[str, str], ...] = ()
        if inp.rating_comments:
            comments = tuple(
                (_short_date(r.rated_on), _one_line(r.comment))
                for r in g.ratings
                if r.comment and r.comment.strip()
            )
        goals.append(
            _Goal(
                text=text,
                ratings=tuple((_short_date(r.rated_on), _signed(r.value)) for r in g.ratings),
                comments=comments,
            )
        )

    notes = tuple(
        (
            f"{_short_date(local_day(n.written_at))}{SEPARATOR}{_note_author(n, titles)}",
            n.text.strip(),
        )
        for n in sorted(inp.notes, key=lambda n: n.written_at)
    )

    title = _("Progress report")
    n_weeks = len(weeks)
    return _Doc(
        lang=lang,
        title=title,
        meta=(
            (_("Participant code"), inp.code),
            (_("Training plan"), inp.plan_name),
            (_("Report date"), _long_date(inp.today)),
        ),
        footer=f"{title}{SEPARATOR}{inp.code}",
        page_of=_("Page {n} of {total}"),
        hours_heading=_("Hours trained"),
        hours_lead=_("You have trained {hours} of {target} hours.").format(
            hours=_num(h.done_hours), target=_num(h.target_hours)
        ),
        hours_figure=_("{done} / {target}").format(
            done=_num(h.done_hours), target=_num(h.target_hours)
        ),
        hours_fraction=max(0.0, min(1.0, h.fraction)),
        expected_fraction=max(0.0, min(1.0, h.expected_hours / h.target_hours)),
        expected_text=_first_upper(expected),
        pace_text=_first_upper(pace),
        attendance_heading=(
            _("Attendance, last {n} weeks").format(n=number(n_weeks))
            if n_weeks > 1
            else _("Attendance")
        ),
        weeks=weeks,
        week_label=_("Week"),
        sessions_label=_("Sessions"),
        minutes_label=_("Minutes"),
        legend=(_("done"), _("planned")),
        attendance_lines=tuple(lines),
        levels_heading=_("Levels"),
        level_chart=level_chart,
        exercise_heading=_("Per exercise"),
        exercise_table=_exercise_table(p.levels_by_exercise, titles),
        goals_heading=_("Goals and ratings"),
        ratings_chart=ratings_chart,
        goals=tuple(goals),
        rating_column=_("Rating"),
        scale_heading=_("Goal attainment"),
        scale=tuple((_signed(g.value), g.label_text()) for g in GAS_LEVELS[::-1]),
        notes_heading=_("Notes"),
        notes=notes,
        assessment_heading=_("Assessment before and after"),
        assessment_caption=_("Before and after are T-scores, where 50 is the average."),
        assessment=_assessment_table(inp.assessment),
        empty_text={
            "sessions": _("No sessions yet"),
            "goals": _("No goals yet."),
            "ratings": _("No ratings yet"),
        },
    )


# --------------------------------------------------------------------------- fonts


def _font_path(style: str) -> Path | None:
    path = paths.FONTS_DIR / FONT_FILES[style]
    return path if path.is_file() else None


@lru_cache(maxsize=4)
def _base64_of(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _font_base64(style: str) -> str | None:
    path = _font_path(style)
    return _base64_of(path) if path else None


@lru_cache(maxsize=1)
def _css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _chars_of(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _dejavu(style: str) -> Path:
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if style == "B" else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


# --------------------------------------------------------------------------- HTML


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the <style>."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_rule(doc: _Doc) -> str:
    before, _sep, rest = doc.page_of.partition("{n}")
    middle, _sep2, after = rest.partition("{total}")
    counter = " ".join(
        part
        for part in (
            _css_string(before) if before else "",
            "counter(page)",
            _css_string(middle) if middle else "",
            "counter(pages)",
            _css_string(after) if after else "",
        )
        if part
    )
    small = (
        'font-family: "Atkinson Hyperlegible", "DejaVu Sans", sans-serif;'
        " font-size: 9.5pt; color: #545c6a;"
    )
    return (
        "@page {\n  size: A4;\n  margin: 16mm 17mm 18mm;\n"
        f"  @bottom-left {{ content: {_css_string(doc.footer)}; {small} }}\n"
        f"  @bottom-right {{ content: {counter}; {small} }}\n}}\n"
    )


def _font_faces() -> str:
    faces = []
    for style, weight in (("", 400), ("B", 700)):
        data64 = _font_base64(style)
        if data64:
            faces.append(
                '@font-face {\n  font-family: "Atkinson Hyperlegible";\n'
                f"  font-weight: {weight};\n  font-style: normal;\n"
                f'  src: url("data:font/ttf;base64,{data64}") format("truetype");\n}}\n'
            )
    return "".join(faces)


def _html_chart(chart: _Chart) -> str:
    data64 = base64.b64encode(chart.png).decode("ascii")
    return (
        f"<figure><figcaption><h3>{_e(chart.caption)}</h3></figcaption>"
        f'<img src="data:image/png;base64,{data64}" alt="{_e(chart.caption)}" '
        f'width="{chart.width_px}" height="{chart.height_px}"></figure>'
    )


def _html_table(table: _Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if table.numeric[i] else ""

    head = "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(table.headers))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_e(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _pips(done: int, planned: int) -> str:
    return '<span class="pip done"></span>' * done + '<span class="pip planned"></span>' * planned


def _html(doc: _Doc) -> str:
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(doc.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc.footer)}</title>",
        "<style>\n" + _font_faces() + _page_rule(doc) + _css() + "</style>",
        "</head>",
        '<body><main class="sheet">',
        f'<header><h1>{_e(doc.title)}</h1><dl class="meta">',
    ]
    out += [f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in doc.meta]
    out.append("</dl></header>")

    # Hours.
    share = f"{doc.hours_fraction * 100:.1f}%"
    mark = f"{doc.expected_fraction * 100:.1f}%"
    out += [
        f'<section class="hours"><h2>{_e(doc.hours_heading)}</h2>',
        f'<p class="lead">{_e(doc.hours_lead)}</p>',
        f'<div class="hours-bar" role="img" aria-label="{_e(doc.hours_figure)}">',
        f'<div class="done" style="width:{share}"></div>' if doc.hours_fraction > 0 else "",
        f'<div class="expected" style="left:{mark}"></div></div>',
        f'<p class="muted"><span class="marker"></span>{_e(doc.expected_text)}'
        + (f"{SEPARATOR}{_e(doc.pace_text)}" if doc.pace_text else "")
        + "</p></section>",
    ]

    # Attendance.
    out.append(f'<section class="attendance"><h2>{_e(doc.attendance_heading)}</h2>')
    if doc.weeks:
        now = ' class="now"'
        out.append('<table class="weeks"><thead><tr>')
        out.append(f'<th scope="row">{_e(doc.week_label)}</th>')
        out += [f"<th{now if w.current else ''}>{_e(w.label)}</th>" for w in doc.weeks]
        out.append(f'</tr></thead><tbody><tr><th scope="row">{_e(doc.sessions_label)}</th>')
        out += [
            f'<td class="pips{" now" if w.current else ""}">{_pips(w.done, w.planned_left)}</td>'
            for w in doc.weeks
        ]
        out.append(f'</tr><tr><th scope="row">{_e(doc.minutes_label)}</th>')
        out += [f"<td>{_e(w.minutes)}</td>" for w in doc.weeks]
        out.append("</tr></tbody></table>")
        out.append(
            f'<p class="legend"><span>{_pips(1, 0)}{_e(doc.legend[0])}</span>'
            f"<span>{_pips(0, 1)}{_e(doc.legend[1])}</span></p>"
        )
    out += [f"<p>{_e(line)}</p>" for line in doc.attendance_lines]
    out.append("</section>")

    # Levels: the table first. Its rows may run on to the next page, so page 1 (whose
    # sections above are the same height for everyone) ends full; the chart, which is
    # never split, then starts page 2 with its heading instead of leaving page 1 a third
    # empty.
    out.append(f'<section class="levels"><h2>{_e(doc.levels_heading)}</h2>')
    if doc.exercise_table is not None:
        out.append(f"<h3>{_e(doc.exercise_heading)}</h3>{_html_table(doc.exercise_table)}")
    if doc.level_chart is None:
        out.append(f'<p class="muted">{_e(doc.empty_text["sessions"])}</p>')
    else:
        out.append(_html_chart(doc.level_chart))
    out.append("</section>")

    # Goals.
    out.append(f'<section class="goals"><h2>{_e(doc.goals_heading)}</h2>')
    if not doc.goals:
        out.append(f'<p class="muted">{_e(doc.empty_text["goals"])}</p>')
    else:
        if doc.ratings_chart is not None:
            out.append(_html_chart(doc.ratings_chart))
            out.append(f'<div class="scale"><strong>{_e(doc.scale_heading)}</strong><ul>')
            out += [f"<li><b>{_e(v)}</b>{_e(label)}</li>" for v, label in doc.scale]
            out.append("</ul></div>")
        out.append('<table class="data goals"><tbody>')
        for g in doc.goals:
            out.append(f'<tr><td><div class="goal-text">{_e(g.text)}</div>')
            if g.ratings:
                out.append('<ul class="ratings">')
                out += [f"<li>{_e(d)}<b>{_e(v)}</b></li>" for d, v in g.ratings]
                out.append("</ul>")
            else:
                out.append(f'<p class="muted">{_e(doc.empty_text["ratings"])}</p>')
            if g.comments:
                out.append('<ul class="comments">')
                out += [f"<li>{_e(d)}: {_e(c)}</li>" for d, c in g.comments]
                out.append("</ul>")
            out.append("</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")

    # Notes: only those the caller chose.
    if doc.notes:
        out.append(f'<section class="notes"><h2>{_e(doc.notes_heading)}</h2>')
        out += [
            f'<div class="note"><p class="when">{_e(meta)}</p><p>{_e(text)}</p></div>'
            for meta, text in doc.notes
        ]
        out.append("</section>")

    # Assessment before / after: as given.
    if doc.assessment is not None:
        out += [
            f'<section class="assessment"><h2>{_e(doc.assessment_heading)}</h2>',
            _html_table(doc.assessment),
            f'<p class="muted">{_e(doc.assessment_caption)}</p></section>',
        ]

    out.append("</main></body></html>\n")
    return "\n".join(part for part in out if part)


def render_html(inp: ReportInput) -> bytes:
    """The report as one self-contained HTML file (UTF-8), ready to open or print."""
    with _language(inp.language) as lang:
        doc = _build(inp, lang)
    return _html(doc).encode("utf-8")


# --------------------------------------------------------------------------- PDF

Rgb = tuple[int, int, int]
TEXT: Rgb = charts.TEXT
ACCENT: Rgb = charts.ACCENT
MUTED: Rgb = charts.MUTED
PANEL: Rgb = charts.BACKGROUND
BORDER: Rgb = charts.GRID
TRACK: Rgb = (226, 230, 236)
WHITE: Rgb = (255, 255, 255)

MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18.0, 16.0, 20.0
BODY_PT, SMALL_PT, H1_PT, H2_PT, H3_PT = 12.5, 10.5, 24.0, 17.0, 13.5
PT_MM = 25.4 / 72


def _line_mm(size_pt: float) -> float:
    return size_pt * PT_MM * 1.45


def _pdf_writer(doc: _Doc, today: date) -> FPDF:
    """A fresh fpdf2 document for ``doc``: fonts, metadata, margins, footer."""
    from fpdf import FPDF

    class Writer(FPDF):
        def footer(self) -> None:
            self.set_y(-MARGIN_BOTTOM + 7)
            self.set_font(self.family_name, size=9.5)
            self.set_text_color(*MUTED)
            self.cell(0, 5, doc.footer, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, doc.page_of.format(n=self.page_no(), total="{nb}"), align="R")

    pdf = Writer(orientation="P", unit="mm", format="A4")
    regular, bold = _font_path(""), _font_path("B")
    if regular and bold:
        pdf.add_font("Atkinson", "", str(regular))
        pdf.add_font("Atkinson", "B", str(bold))
        family = "Atkinson"
        known = _chars_of(regular)
        if any(ord(ch) not in known for s in doc.strings() for ch in s if ch > "\x7f"):
            pdf.add_font("DejaVu", "", str(_dejavu("")))
            pdf.add_font("DejaVu", "B", str(_dejavu("B")))
            pdf.set_fallback_fonts(["DejaVu"])
    else:  # no Atkinson files: DejaVu (with matplotlib) has every letter we need
        pdf.add_font("DejaVu", "", str(_dejavu("")))
        pdf.add_font("DejaVu", "B", str(_dejavu("B")))
        family = "DejaVu"
    pdf.family_name = family  # type: ignore[attr-defined]
    pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    # The report's own date, never the clock: the same input gives the same bytes.
    pdf.set_creation_date(datetime(today.year, today.month, today.day, tzinfo=UTC))
    pdf.set_producer("cogtrain")
    pdf.set_creator("cogtrain")
    pdf.set_title(doc.footer)
    pdf.set_lang(doc.lang)
    pdf.set_draw_color(*BORDER)
    pdf.set_text_color(*TEXT)
    return pdf


class _PdfReport:
    """Draws a :class:`_Doc` onto an fpdf2 document, section by section."""

    def __init__(self, doc: _Doc, today: date) -> None:
        self.doc = doc
        self.pdf = _pdf_writer(doc, today)
        self.family: str = self.pdf.family_name  # type: ignore[attr-defined]
        self.width = self.pdf.w - 2 * MARGIN_X

    # -- primitives ---------------------------------------------------------------

    def font(self, size: float, *, bold: bool = False, color: Rgb = TEXT) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def room(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def need(self, mm: float) -> None:
        """Start a new page unless ``mm`` of height are left on this one."""
        if self.room() < mm:
            self.pdf.add_page()

    def text(
        self, text: str, size: float = BODY_PT, *, bold: bool = False, color: Rgb = TEXT
    ) -> None:
        from fpdf.enums import XPos, YPos

        self.font(size, bold=bold, color=color)
        self.pdf.set_x(self.pdf.l_margin)
        self.pdf.multi_cell(
            self.width, _line_mm(size), text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def gap(self, mm: float) -> None:
        self.pdf.set_y(self.pdf.get_y() + mm)

    def h2(self, text: str, then: float = 30.0) -> None:
        """A section heading with a rule, kept with at least ``then`` mm of what follows."""
        self.need(_line_mm(H2_PT) + 9 + then)
        self.gap(6)
        self.text(text, H2_PT, bold=True)
        y = self.pdf.get_y() + 0.8
        self.pdf.set_draw_color(*BORDER)
        self.pdf.set_line_width(0.6)
        self.pdf.line(MARGIN_X, y, MARGIN_X + self.width, y)
        self.gap(3.5)

    def h3(self, text: str, then: float = 20.0) -> None:
        self.need(_line_mm(H3_PT) + 3 + then)
        self.gap(2)
        self.text(text, H3_PT, bold=True)
        self.gap(1)

    def chart(self, chart: _Chart) -> None:
        h = self.width * chart.height_px / chart.width_px
        self.h3(chart.caption, then=h + 2)
        from PIL import Image

        with Image.open(io.BytesIO(chart.png)) as im:
            rgb = im.convert("RGB")
        y = self.pdf.get_y()
        self.pdf.image(rgb, x=MARGIN_X, y=y, w=self.width, h=h)
        self.pdf.set_draw_color(*BORDER)
        self.pdf.set_line_width(0.3)
        self.pdf.rect(MARGIN_X, y, self.width, h, round_corners=True, corner_radius=1.5)
        self.pdf.set_y(y + h + 3)

    def table(self, table: _Table) -> None:
        from fpdf.enums import TableBordersLayout
        from fpdf.fonts import FontFace

        self.need(30)
        self.font(BODY_PT - 0.5)
        self.pdf.set_draw_color(*BORDER)
        self.pdf.set_fill_color(*WHITE)
        self.pdf.set_line_width(0.3)
        heading = FontFace(emphasis="B", color=MUTED, size_pt=SMALL_PT, fill_color=WHITE)
        aligns = ["RIGHT" if n else "LEFT" for n in table.numeric]
        with self.pdf.table(
            col_widths=table.widths,
            width=self.width,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=heading,
            line_height=_line_mm(BODY_PT - 0.5),
            padding=(1.6, 2.0),
            text_align=aligns,
            v_align="TOP",
        ) as t:
            row = t.row()
            for cell in table.headers:
                row.cell(cell)
            for values in table.rows:
                row = t.row()
                for cell in values:
                    row.cell(cell)
        self.gap(3)

    def table_height(self, table: _Table) -> float:
        """A generous estimate of :meth:`table`'s height: each cell's text wrapped at its
        column width (the headings in the small bold face), plus the cell padding."""
        total_w = sum(table.widths)
        pdf = self.pdf

        def row_h(cells: Sequence[str], size: float, bold: bool) -> float:
            self.font(size, bold=bold)
            lines = 1
            for cell, w in zip(cells, table.widths, strict=True):
                room = max(1.0, self.width * w / total_w - 4.0)
                lines = max(lines, math.ceil(pdf.get_string_width(cell) / room))
            return lines * _line_mm(BODY_PT - 0.5) + 3.2

        height = row_h(table.headers, SMALL_PT, True)
        height += sum(row_h(r, BODY_PT - 0.5, False) for r in table.rows)
        return height + 3

    def pip(self, x: float, y: float, size: float, done: bool) -> None:
        pdf = self.pdf
        if done:
            pdf.set_fill_color(*ACCENT)
            pdf.rect(x, y, size, size, style="F", round_corners=True, corner_radius=0.6)
        else:
            pdf.set_fill_color(*WHITE)
            pdf.set_draw_color(*MUTED)
            pdf.set_line_width(0.45)
            pdf.rect(x, y, size, size, style="DF", round_corners=True, corner_radius=0.6)

    # -- sections ---------------------------------------------------------------------

    def header(self) -> None:
        doc = self.doc
        self.text(doc.title, H1_PT, bold=True, color=ACCENT)
        self.gap(2)
        pdf = self.pdf
        top = pdf.get_y()
        box_h = 4 + _line_mm(SMALL_PT) + _line_mm(BODY_PT + 1) + 2
        pdf.set_fill_color(*PANEL)
        pdf.rect(MARGIN_X, top, self.width, box_h, style="F", round_corners=True, corner_radius=2.5)
        widths = (0.28, 0.42, 0.30)
        x = MARGIN_X + 5
        for (label, value), share in zip(doc.meta, widths, strict=True):
            w = (self.width - 10) * share
            pdf.set_xy(x, top + 3)
            self.font(SMALL_PT, color=MUTED)
            pdf.cell(w - 3, _line_mm(SMALL_PT), label)
            pdf.set_xy(x, top + 3 + _line_mm(SMALL_PT))
            self.font(BODY_PT + 1, bold=True)
            size = BODY_PT + 1
            while pdf.get_string_width(value) > w - 3 and size > 8:
                size -= 0.5
                self.font(size, bold=True)
            pdf.cell(w - 3, _line_mm(BODY_PT + 1), value)
            x += w
        pdf.set_xy(MARGIN_X, top + box_h)

    def hours(self) -> None:
        doc, pdf = self.doc, self.pdf
        self.h2(doc.hours_heading, then=35)
        self.text(doc.hours_lead, BODY_PT + 2.5, bold=True)
        self.gap(5)
        y = pdf.get_y()
        bar_h = 8.0
        pdf.set_fill_color(*TRACK)
        pdf.set_draw_color(*BORDER)
        pdf.set_line_width(0.3)
        radius = bar_h / 2 - 0.05  # fpdf2 rescales a radius of half the height or more
        pdf.rect(
            MARGIN_X, y, self.width, bar_h, style="DF", round_corners=True, corner_radius=radius
        )
        if doc.hours_fraction > 0:
            w = max(bar_h, self.width * doc.hours_fraction)
            pdf.set_fill_color(*ACCENT)
            pdf.rect(MARGIN_X, y, w, bar_h, style="F", round_corners=True, corner_radius=radius)
        mx = MARGIN_X + self.width * doc.expected_fraction
        mx = min(MARGIN_X + self.width - 0.6, max(MARGIN_X + 0.6, mx))
        pdf.set_draw_color(*TEXT)
        pdf.set_fill_color(*TEXT)
        pdf.set_line_width(0.9)
        pdf.line(mx, y - 2.2, mx, y + bar_h + 2.2)
        pdf.polygon([(mx - 2, y - 4.4), (mx + 2, y - 4.4), (mx, y - 2.2)], style="F")
        pdf.set_y(y + bar_h + 4)
        # The marker's legend, then the pace.
        ly = pdf.get_y() + 0.8
        pdf.line(MARGIN_X + 0.6, ly, MARGIN_X + 0.6, ly + _line_mm(BODY_PT) - 1.6)
        pdf.set_x(MARGIN_X + 3)
        line = doc.expected_text + (SEPARATOR + doc.pace_text if doc.pace_text else "")
        self.font(BODY_PT, color=MUTED)
        from fpdf.enums import XPos, YPos

        pdf.multi_cell(
            self.width - 3, _line_mm(BODY_PT), line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def attendance(self) -> None:
        doc, pdf = self.doc, self.pdf
        self.h2(doc.attendance_heading, then=42)
        if doc.weeks:
            label_w = 24.0
            n = len(doc.weeks)
            gap = 1.4
            cell_w = min(22.0, (self.width - label_w - gap * (n - 1)) / n)
            line = _line_mm(SMALL_PT)
            top = pdf.get_y()
            cell_h = 11.0
            rows = (top, top + line + 0.5, top + line + 0.5 + cell_h + 0.8)
            for label, ry, rh in zip(
                (doc.week_label, doc.sessions_label, doc.minutes_label),
                rows,
                (line, cell_h, line),
                strict=True,
            ):
                self.font(SMALL_PT, color=MUTED)
                pdf.set_xy(MARGIN_X, ry)
                pdf.cell(label_w, rh, label)
            for i, w in enumerate(doc.weeks):
                x = MARGIN_X + label_w + i * (cell_w + gap)
                self.font(SMALL_PT, bold=w.current, color=TEXT if w.current else MUTED)
                pdf.set_xy(x, rows[0])
                pdf.cell(cell_w, line, w.label, align="C")
                pdf.set_fill_color(*PANEL)
                if w.current:
                    pdf.set_draw_color(*TEXT)
                    pdf.set_line_width(0.6)
                else:
                    pdf.set_draw_color(*BORDER)
                    pdf.set_line_width(0.3)
                pdf.rect(
                    x, rows[1], cell_w, cell_h, style="DF", round_corners=True, corner_radius=1.5
                )
                total = w.done + w.planned_left
                if total:
                    per_row = min(total, 3)
                    n_rows = (total + per_row - 1) // per_row
                    size, pgap = 2.8, 0.9
                    x0 = x + (cell_w - (per_row * size + (per_row - 1) * pgap)) / 2
                    y0 = rows[1] + (cell_h - (n_rows * size + (n_rows - 1) * pgap)) / 2
                    for k in range(total):
                        self.pip(
                            x0 + (k % per_row) * (size + pgap),
                            y0 + (k // per_row) * (size + pgap),
                            size,
                            k < w.done,
                        )
                self.font(SMALL_PT)
                pdf.set_xy(x, rows[2])
                pdf.cell(cell_w, line, w.minutes, align="C")
            pdf.set_y(rows[2] + line + 2.5)
            # Legend.
            x = MARGIN_X
            self.font(SMALL_PT, color=MUTED)
            y = pdf.get_y()
            for k, label in enumerate(doc.legend):
                self.pip(x, y + (line - 2.8) / 2, 2.8, k == 0)
                pdf.set_xy(x + 4.2, y)
                self.font(SMALL_PT, color=MUTED)
                pdf.cell(pdf.get_string_width(label) + 1, line, label)
                x += 4.2 + pdf.get_string_width(label) + 8
            pdf.set_y(y + line + 2)
        for text in doc.attendance_lines:
            self.text(text)

    def levels(self) -> None:
        """The table, then the chart: the same order as the HTML (see there why)."""
        doc = self.doc
        self.h2(doc.levels_heading, then=30 if doc.exercise_table is not None else 10)
        if doc.exercise_table is not None:
            self.h3(doc.exercise_heading, then=30)
            self.table(doc.exercise_table)
        if doc.level_chart is None:
            self.text(doc.empty_text["sessions"], color=MUTED)
        else:
            self.chart(doc.level_chart)

    def goals(self) -> None:
        doc, pdf = self.doc, self.pdf
        chart_h = self.width * CHART_PX[1] / CHART_PX[0] + 12
        self.h2(doc.goals_heading, then=chart_h if doc.ratings_chart else 20)
        if not doc.goals:
            self.text(doc.empty_text["goals"], color=MUTED)
            return
        if doc.ratings_chart is not None:
            self.chart(doc.ratings_chart)
            self.scale()
            self.gap(3)
        for g in doc.goals:
            # Each "day  value" kept on one line (no-break spaces); lines break between them.
            ratings = SEPARATOR.join(
                f"{d}\u00a0\u00a0{v}".replace(" ", "\u00a0") for d, v in g.ratings
            )
            self.need(_line_mm(BODY_PT) * 2 + _line_mm(SMALL_PT) * 2 + 4)
            pdf.set_draw_color(*BORDER)
            pdf.set_line_width(0.3)
            pdf.line(MARGIN_X, pdf.get_y(), MARGIN_X + self.width, pdf.get_y())
            self.gap(1.8)
            self.text(g.text, BODY_PT, bold=True)
            self.gap(0.6)
            if g.ratings:
                self.text(f"{doc.rating_column}: {ratings}", SMALL_PT)
            else:
                self.text(doc.empty_text["ratings"], SMALL_PT, color=MUTED)
            for d, c in g.comments:
                self.text(f"{d}: {c}", SMALL_PT)
            self.gap(2)
        pdf.line(MARGIN_X, pdf.get_y(), MARGIN_X + self.width, pdf.get_y())
        self.gap(2.5)

    def scale(self) -> None:
        """The rating scale's words, items side by side, never split inside one."""
        doc, pdf = self.doc, self.pdf
        line = _line_mm(SMALL_PT)
        self.need(line * 3 + 2)
        self.text(doc.scale_heading, SMALL_PT, bold=True, color=MUTED)
        x, y = MARGIN_X, pdf.get_y()
        for value, label in doc.scale:
            self.font(SMALL_PT, bold=True)
            vw = max(pdf.get_string_width(value), pdf.get_string_width("+2")) + 1.5
            self.font(SMALL_PT, color=MUTED)
            lw = pdf.get_string_width(label) + 1
            if x > MARGIN_X and x + vw + lw > MARGIN_X + self.width:
                x, y = MARGIN_X, y + line
            pdf.set_xy(x, y)
            self.font(SMALL_PT, bold=True)
            pdf.cell(vw, line, value)
            self.font(SMALL_PT, color=MUTED)
            pdf.cell(lw, line, label)
            x += vw + lw + 6
        pdf.set_xy(MARGIN_X, y + line + 1)

    def notes(self) -> None:
        doc, pdf = self.doc, self.pdf
        if not doc.notes:
            return
        self.h2(doc.notes_heading, then=25)
        for meta, text in doc.notes:
            self.need(_line_mm(SMALL_PT) + _line_mm(BODY_PT) * 2 + 6)
            top = pdf.get_y()
            page = pdf.page_no()
            pdf.set_left_margin(MARGIN_X + 4)
            self.width -= 4
            self.gap(1.8)
            self.text(meta, SMALL_PT, bold=True, color=MUTED)
            self.text(text, BODY_PT)
            self.gap(1.8)
            self.width += 4
            pdf.set_left_margin(MARGIN_X)
            if pdf.page_no() == page:  # the accent rule beside a note kept on one page
                pdf.set_fill_color(*ACCENT)
                pdf.rect(MARGIN_X, top, 1.2, pdf.get_y() - top, style="F")
            self.gap(2.5)

    def assessment(self) -> None:
        doc = self.doc
        if doc.assessment is None:
            return
        # A short table and its caption are kept together (on the next page if need be),
        # so the caption never stands alone on a page of its own.
        whole = self.table_height(doc.assessment) + _line_mm(SMALL_PT) * 2 + 4
        self.h2(doc.assessment_heading, then=min(whole, self.pdf.eph / 2))
        self.table(doc.assessment)
        self.text(doc.assessment_caption, SMALL_PT, color=MUTED)

    def render(self) -> bytes:
        self.pdf.add_page()
        self.header()
        self.hours()
        self.attendance()
        self.levels()
        self.goals()
        self.notes()
        self.assessment()
        return bytes(self.pdf.output())


def render_pdf(inp: ReportInput) -> bytes:
    """The report as an A4 PDF (fpdf2), with the same content and charts as the HTML."""
    with _language(inp.language) as lang:
        doc = _build(inp, lang)
    return _PdfReport(doc, inp.today).render()


__all__ = ["AssessmentSummaryRow", "ReportInput", "render_html", "render_pdf"]
