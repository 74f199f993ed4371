"""Progress charts as raw RGBA pixels, drawn with matplotlib's Agg backend.

The consultant shows these to the participant on a projector or a laptop, so they are
calm and plain: the app's own background and text colours, no red (a falling line is
not an alarm), large Atkinson Hyperlegible text, thick lines with a different marker per
line so they can be told apart without colour. The line colours are Okabe-Ito hues
(safe for colour-blind viewers) without vermillion and yellow, some darkened to at
least 3:1 contrast against the background (the WCAG minimum for graphics).

Each chart takes its data and a pixel size and returns a :class:`ChartImage`: exactly
``width_px * height_px * 4`` bytes of RGBA, row-major, ready for
``pygame.image.frombuffer(image.rgba, (image.width_px, image.height_px), "RGBA")``.

Only :class:`matplotlib.figure.Figure` with :class:`FigureCanvasAgg` is used, never
``pyplot`` (whose global figure registry would leak between screens and threads), and
no ``rcParams`` are changed: every font and colour is set on the figure itself. The
same data, size and language always give byte-identical pixels. Every word is
translated when a chart is drawn; numbers and dates are formatted the local way.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from babel.dates import format_skeleton
from matplotlib import font_manager
from matplotlib import image as mpl_image
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from cogtrain import paths
from cogtrain.i18n import Msg, _, babel_locale, number
from cogtrain.reports.progress_data import CheckinWeek, GoalRatings, LevelCurve
from cogtrain.training.exercise import DOMAIN_NAMES

Size = tuple[int, int]
RGB = tuple[int, int, int]

BACKGROUND: RGB = (246, 244, 238)
TEXT: RGB = (26, 32, 44)
ACCENT: RGB = (31, 78, 121)
MUTED: RGB = (84, 92, 106)
"""Secondary text (the empty-chart message): softer than TEXT, still 6:1 contrast."""
GRID: RGB = (222, 218, 208)
HARD_WEEK: RGB = (236, 226, 203)
"""A soft sand shade behind hard weeks: noticed, not alarming."""

PALETTE: tuple[RGB, ...] = (
    ACCENT,
    (190, 120, 0),  # Okabe-Ito orange, darkened
    (0, 158, 115),  # bluish green
    (170, 80, 135),  # reddish purple, darkened
    (40, 140, 200),  # sky blue, darkened
    TEXT,
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
DPI = 100
MIN_SIZE_PX: Size = (320, 180)
"""Below this no label is readable; such a size is a bug in the caller."""
GOAL_LABEL_CHARS = 30
LEGEND_RIGHT_MIN_PX = 900
SMALL_HEIGHT_PX = 300
"""Below this the rating axis shows only -2, 0 and +2, so its labels never touch."""
FALLBACK_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class ChartImage:
    """A drawn chart: raw RGBA bytes, row-major, top row first."""

    width_px: int
    height_px: int
    rgba: bytes

    def __post_init__(self) -> None:
        if len(self.rgba) != self.width_px * self.height_px * 4:
            raise ValueError(
                f"rgba has {len(self.rgba)} bytes, not {self.width_px}x{self.height_px}x4"
            )


def domain_labels() -> dict[str, str]:
    """The domains' names in the active language, for :func:`level_chart`'s ``labels``."""
    return {key: _(name) for key, name in DOMAIN_NAMES.items()}


# --------------------------------------------------------------------------- fonts


@lru_cache(maxsize=4)
def font_families(fonts_dir: Path | None = None) -> tuple[str, ...]:
    """Register Atkinson Hyperlegible from ``fonts_dir`` once; the families to ask for.

    DejaVu Sans (bundled with matplotlib) always comes last: matplotlib falls back to
    it glyph by glyph, so a character the first font lacks is still drawn, and it is
    the whole answer when the Atkinson files are missing.
    """
    folder = paths.FONTS_DIR if fonts_dir is None else fonts_dir
    found = sorted(folder.glob("AtkinsonHyperlegible-*.ttf")) if folder.is_dir() else []
    names: list[str] = []
    for path in found:
        try:
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError):  # an unreadable font file: fall back, do not fail
            continue
        name = font_manager.FontProperties(fname=str(path)).get_name()
        if name not in names:
            names.append(name)
    return (*names, FALLBACK_FAMILY)


@dataclass(frozen=True)
class _Style:
    """Font sizes (points) for one pixel size: large enough for a projector."""

    base_pt: float
    families: tuple[str, ...]

    def font(self, scale: float = 1.0, *, bold: bool = False) -> FontProperties:
        return FontProperties(
            family=list(self.families),
            size=self.base_pt * scale,
            weight="bold" if bold else "normal",
        )

    @property
    def line_px(self) -> float:
        return max(2.0, self.base_pt / 5)


def _rgb(c: RGB) -> tuple[float, float, float]:
    return (c[0] / 255, c[1] / 255, c[2] / 255)


def _plain(text: str) -> str:
    """Show data text verbatim: a ``$`` pair in a goal must not start mathtext."""
    return text.replace("$", r"\$")


def _check_size(size: Size) -> Size:
    w, h = size
    for v in (w, h):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"size must be whole pixels (width_px, height_px), not {size!r}")
    if w < MIN_SIZE_PX[0] or h < MIN_SIZE_PX[1]:
        raise ValueError(f"size must be at least {MIN_SIZE_PX[0]}x{MIN_SIZE_PX[1]}, not {w}x{h}")
    return w, h


def _figure(size: Size) -> tuple[Figure, _Style]:
    w, h = _check_size(size)
    # A hundredth of a pixel over, so float rounding can never drop the last column.
    fig = Figure(
        figsize=((w + 0.01) / DPI, (h + 0.01) / DPI),
        dpi=DPI,
        facecolor=_rgb(BACKGROUND),
        layout="constrained",
    )
    style = _Style(base_pt=min(26.0, max(9.0, min(w / 60, h / 27))), families=font_families())
    pad_in = style.base_pt * 0.5 / 72
    fig.get_layout_engine().set(w_pad=pad_in, h_pad=pad_in, wspace=0, hspace=0)
    return fig, style


def _pixels(fig: Figure) -> ChartImage:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    buf = canvas.buffer_rgba()
    h, w = np.asarray(buf).shape[:2]
    return ChartImage(w, h, bytes(buf))


def _empty(fig: Figure, style: _Style, message: Msg) -> ChartImage:
    fig.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        color=_rgb(MUTED),
        fontproperties=style.font(1.2),
    )
    return _pixels(fig)


def _axes(fig: Figure, style: _Style, title: Msg | None) -> Axes:
    ax = fig.add_subplot()
    ax.set_facecolor(_rgb(BACKGROUND))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(_rgb(TEXT))
        ax.spines[side].set_linewidth(1.2)
    ax.tick_params(
        colors=_rgb(TEXT),
        labelsize=style.base_pt * 0.9,
        labelfontfamily=list(style.families),
        length=style.base_pt * 0.3,
        width=1.2,
    )
    ax.grid(True, axis="y", color=_rgb(GRID), linewidth=1.0)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(
            title, loc="left", color=_rgb(TEXT), fontproperties=style.font(1.15, bold=True)
        )
    return ax


def _label(ax: Axes, style: _Style, x: Msg | None, y: Msg | None) -> None:
    if x is not None:
        ax.set_xlabel(x, color=_rgb(TEXT), fontproperties=style.font())
    if y is not None:
        ax.set_ylabel(y, color=_rgb(TEXT), fontproperties=style.font())


def _legend(
    fig: Figure, style: _Style, size: Size, handles: Sequence[Artist] | None = None
) -> None:
    """The legend right of the plot on wide charts, below it on narrower ones.

    Outside the plot either way, so it never covers a line; below, in as many columns as
    fit, once the right-hand column would squeeze the plot too much.
    """
    w = size[0]
    n = len(handles) if handles is not None else len(fig.axes[0].get_legend_handles_labels()[0])
    kwargs: dict[str, object] = {} if handles is None else {"handles": list(handles)}
    if _legend_right(size):
        kwargs["loc"] = "outside right upper"
    else:
        kwargs["loc"] = "outside lower center"
        kwargs["ncols"] = max(1, min(n, w // 250))
    fig.legend(
        frameon=False,
        prop=style.font(0.9),
        labelcolor=_rgb(TEXT),
        handlelength=2.2,
        **kwargs,
    )


def _line_style(i: int, style: _Style) -> dict[str, object]:
    """Colour, marker and dash of the i-th line: the first 24 lines all differ in some."""
    return {
        "color": _rgb(PALETTE[i % len(PALETTE)]),
        "marker": MARKERS[i % len(MARKERS)],
        "linestyle": "-" if (i // len(PALETTE)) % 2 == 0 else "--",
        "linewidth": style.line_px,
        "markersize": style.base_pt * 0.55,
        "markeredgewidth": 0,
    }


def _legend_right(size: Size) -> bool:
    w, h = size
    return w >= LEGEND_RIGHT_MIN_PX and w >= 1.8 * h


def _x_bins(style: _Style, size: Size, label_chars: int) -> int:
    """How many x ticks fit without their labels touching.

    Estimated from the plot's width (less the legend column when it is on the right)
    and the widest label: a character is about half an em, and between labels there is
    at least 60 % of a label's width. Estimated, not measured, so a chart is drawn only once.
    """
    plot_px = size[0] * (0.55 if _legend_right(size) else 0.85)
    label_px = label_chars * 0.52 * style.base_pt * 0.9 * DPI / 72
    return max(2, min(12, int(plot_px // (1.6 * label_px))))


def _int_label(value: float, pos: int | None = None) -> str:
    return number(value) if float(value).is_integer() else ""


# --------------------------------------------------------------------------- charts


def level_chart(
    curves: Mapping[str, LevelCurve],
    labels: Mapping[str, str],
    size: Size,
    *,
    title: bool = True,
) -> ChartImage:
    """Level by session number, one line per key of ``curves`` (see ``level_curves``).

    ``labels`` maps keys to the names shown in the legend, already translated (see
    :func:`domain_labels`); a key without a label is shown as it is.
    """
    fig, style = _figure(size)
    shown = [(k, c) for k, c in curves.items() if c.points]
    if not shown:
        return _empty(fig, style, _("No sessions yet"))
    ax = _axes(fig, style, _("Level by session") if title else None)
    for i, (key, curve) in enumerate(shown):
        ax.plot(
            [p.session_index for p in curve.points],
            [p.level for p in curve.points],
            label=_plain(labels.get(key, key)),
            **_line_style(i, style),
        )
    xs = [p.session_index for _k, c in shown for p in c.points]
    ys = [p.level for _k, c in shown for p in c.points]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    lo, hi = math.floor(min(ys)), math.ceil(max(ys))
    ax.set_ylim(lo - 0.5, max(hi, lo + 1) + 0.5)
    bins = _x_bins(style, size, len(str(max(xs))))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=bins, integer=True, min_n_ticks=1))
    ax.yaxis.set_major_locator(
        MaxNLocator(nbins=max(2, min(6, size[1] // 70)), integer=True, min_n_ticks=1)
    )
    ax.xaxis.set_major_formatter(FuncFormatter(_int_label))
    ax.yaxis.set_major_formatter(FuncFormatter(_int_label))
    _label(ax, style, _("Session"), _("Level"))
    _legend(fig, style, size)
    return _pixels(fig)


def _shorten(text: str, limit: int = GOAL_LABEL_CHARS) -> str:
    """A goal's text cut at a word boundary to fit the legend, with an ellipsis."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    mid_word = words[limit - 1] != " "
    if mid_word and cut.rfind(" ") >= limit // 2:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "\u2026"


def _short_date(ordinal: float, pos: int | None = None) -> str:
    if not float(ordinal).is_integer():
        return ""
    return format_skeleton("MMMd", date.fromordinal(int(ordinal)), locale=babel_locale())


def _signed(value: float, pos: int | None = None) -> str:
    if not float(value).is_integer():
        return ""
    return ("+" if value > 0 else "") + number(value)


def ratings_chart(history: Sequence[GoalRatings], size: Size, *, title: bool = True) -> ChartImage:
    """The participant's goal ratings over time, -2..+2, one line per rated goal.

    Archived goals are drawn dashed and marked in the legend, so an old goal's line is
    not mistaken for a current one.
    """
    fig, style = _figure(size)
    rated = [g for g in history if g.ratings]
    if not rated:
        return _empty(fig, style, _("No ratings yet"))
    ax = _axes(fig, style, _("Goal ratings") if title else None)
    ax.axhline(0, color=_rgb(MUTED), linewidth=1.2, zorder=1)
    for i, goal in enumerate(rated):
        short = _plain(_shorten(goal.text))
        label = _("{goal} (archived)").format(goal=short) if goal.archived else short
        line = _line_style(i, style)
        # Earlier goals on top where lines overlap; archived ones beneath all current ones.
        line["zorder"] = 2.0 if goal.archived else 3.0 - i / 100
        if goal.archived:
            line["linestyle"] = ":"
        ax.plot(
            [r.rated_on.toordinal() for r in goal.ratings],
            [r.value for r in goal.ratings],
            label=label,
            **line,
        )
    days = [r.rated_on.toordinal() for g in rated for r in g.ratings]
    first, last = min(days), max(days)
    margin = max(1.0, (last - first) * 0.04)
    ax.set_xlim(first - margin, last + margin)
    ax.set_ylim(-2.4, 2.4)
    steps = [-2, -1, 0, 1, 2] if size[1] >= SMALL_HEIGHT_PX else [-2, 0, 2]
    ax.yaxis.set_major_locator(FixedLocator(steps))
    ax.yaxis.set_major_formatter(FuncFormatter(_signed))
    date_chars = max(len(_short_date(d)) for d in (first, last))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=_x_bins(style, size, date_chars), integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(_short_date))
    _label(ax, style, None, _("Rating"))
    _legend(fig, style, size)
    return _pixels(fig)


def checkin_chart(trend: Sequence[CheckinWeek], size: Size, *, title: bool = True) -> ChartImage:
    """Weekly mean check-in answers (rested, stressed; 1..3), hard weeks shaded softly.

    Weeks without sessions leave a gap in the lines rather than a bridge, so two weeks
    apart do not look like a steady trend.
    """
    fig, style = _figure(size)
    if not trend:
        return _empty(fig, style, _("No sessions yet"))
    if all(w.mean_rested is None and w.mean_stressed is None for w in trend):
        return _empty(fig, style, _("No check-in answers yet"))
    ax = _axes(fig, style, _("Check-in by week") if title else None)
    first = trend[0].monday
    n_weeks = (trend[-1].monday - first).days // 7 + 1
    rested = np.full(n_weeks, np.nan)
    stressed = np.full(n_weeks, np.nan)
    for w in trend:
        i = (w.monday - first).days // 7
        if w.mean_rested is not None:
            rested[i] = w.mean_rested
        if w.mean_stressed is not None:
            stressed[i] = w.mean_stressed
        if w.hard_week:
            ax.axvspan(i - 0.46, i + 0.46, color=_rgb(HARD_WEEK), linewidth=0, zorder=0)
    xs = np.arange(n_weeks)
    ax.plot(xs, rested, label=_("Rested"), **_line_style(0, style))
    ax.plot(xs, stressed, label=_("Stressed"), **_line_style(1, style))
    ax.set_xlim(-0.5, n_weeks - 0.5)
    ax.set_ylim(0.8, 3.2)
    ax.yaxis.set_major_locator(FixedLocator([1, 2, 3]))
    ax.yaxis.set_major_formatter(FuncFormatter(_int_label))
    bins = _x_bins(style, size, 2)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=bins, integer=True, min_n_ticks=1))

    def week_label(value: float, pos: int | None = None) -> str:
        if not float(value).is_integer() or not 0 <= value < n_weeks:
            return ""
        return number(date.fromordinal(first.toordinal() + 7 * int(value)).isocalendar().week)

    ax.xaxis.set_major_formatter(FuncFormatter(week_label))
    _label(ax, style, _("Week"), _("Average (1 low, 3 high)"))
    handles = list(ax.get_legend_handles_labels()[0])
    if any(w.hard_week for w in trend):
        handles.append(
            Patch(facecolor=_rgb(HARD_WEEK), edgecolor=_rgb(MUTED), label=_("Hard week"))
        )
    _legend(fig, style, size, handles)
    return _pixels(fig)


# --------------------------------------------------------------------------- PNG


def render_png(image: ChartImage) -> bytes:
    """The chart as PNG bytes (for HTML reports and exports), without any timestamp."""
    arr = np.frombuffer(image.rgba, dtype=np.uint8).reshape(image.height_px, image.width_px, 4)
    buf = io.BytesIO()
    mpl_image.imsave(buf, arr, format="png", metadata={"Software": None})
    return buf.getvalue()
