"""Charts: exact pixel sizes, real content, determinism, translations and fonts."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpl_image

from cogtrain import i18n, paths
from cogtrain.reports import charts
from cogtrain.reports.charts import ChartImage
from cogtrain.reports.progress_data import (
    BlockFact,
    GoalFact,
    RatingFact,
    SessionFact,
    checkin_trend,
    level_curves,
    rating_history,
)

SIZE = (1200, 500)
T0 = datetime(2024, 9, 2, 8, 0, tzinfo=UTC)


def sessions(n: int = 12) -> list[SessionFact]:
    return [
        SessionFact(
            f"s{i}", T0 + timedelta(days=3 * i + i // 2), 50 * 60_000.0, 1 + i % 3, 1 + (i * 2) % 3
        )
        for i in range(n)
    ]


def blocks(n: int = 12, step: int = 1) -> list[BlockFact]:
    kinds = [("nback", "memory"), ("span", "memory"), ("stroop", "attention")]
    return [
        BlockFact(s.session_id, s.started_at, ex, dom, False, 1 + (i * (j + step)) // 3, 6e5)
        for i, s in enumerate(sessions(n))
        for j, (ex, dom) in enumerate(kinds)
    ]


GOALS = [
    GoalFact("g1", "Huske avtaler og beskjeder på jobben uten å skrive alt ned"),
    GoalFact("g2", "Holde fokus i møter"),
    GoalFact("g3", "Bli tryggere på å ta ordet", archived=True),
]
RATINGS = [
    *(RatingFact("g1", date(2024, 9, 2) + timedelta(14 * k), v) for k, v in enumerate([-2, -1, 0])),
    *(RatingFact("g2", date(2024, 9, 9) + timedelta(14 * k), v) for k, v in enumerate([-1, 1])),
    RatingFact("g3", date(2024, 9, 2), 0),
]


def level_image(size: tuple[int, int] = SIZE, step: int = 1) -> ChartImage:
    return charts.level_chart(
        level_curves(blocks(step=step), by="domain"), charts.domain_labels(), size
    )


def ratings_image(size: tuple[int, int] = SIZE) -> ChartImage:
    return charts.ratings_chart(rating_history(GOALS, RATINGS), size)


def checkin_image(size: tuple[int, int] = SIZE) -> ChartImage:
    return charts.checkin_chart(checkin_trend(sessions()), size)


CHARTS: dict[str, Callable[..., ChartImage]] = {
    "level": level_image,
    "ratings": ratings_image,
    "checkin": checkin_image,
}


def pixels(img: ChartImage) -> np.ndarray:
    return np.frombuffer(img.rgba, dtype=np.uint8).reshape(img.height_px, img.width_px, 4)


def colours(img: ChartImage) -> set[tuple[int, ...]]:
    packed = np.unique(np.frombuffer(img.rgba, dtype=np.uint32))
    return {tuple(c) for c in packed.view(np.uint8).reshape(-1, 4)}


@pytest.fixture
def no_glyph_warnings() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert not glyphs, glyphs


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("size", [SIZE, (777, 333), (320, 180)])
def test_exact_size_and_content(name: str, size: tuple[int, int]) -> None:
    img = CHARTS[name](size)
    assert (img.width_px, img.height_px) == size
    assert len(img.rgba) == size[0] * size[1] * 4
    px = pixels(img)
    assert tuple(px[0, 0]) == (*charts.BACKGROUND, 255)
    assert (px[..., 3] == 255).all()
    assert len(colours(img)) > 50  # lines, markers, anti-aliased text: not a blank image


@pytest.mark.parametrize("name", CHARTS)
def test_lines_use_the_palette_and_nothing_is_red(name: str) -> None:
    px = pixels(CHARTS[name]()).astype(int)
    for colour in charts.PALETTE[:2]:  # every chart draws at least two lines
        assert (px[..., :3] == colour).all(axis=-1).sum() > 500, colour
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    assert not ((r > 150) & (r > g + 80) & (r > b + 80)).any()


@pytest.mark.parametrize("name", CHARTS)
def test_deterministic(name: str) -> None:
    first = CHARTS[name]()
    for other in CHARTS.values():  # drawing other charts in between leaves no state
        other((400, 300))
    assert CHARTS[name]().rgba == first.rgba


def test_different_data_different_pixels() -> None:
    assert level_image(step=1).rgba != level_image(step=2).rgba
    fewer = charts.checkin_chart(checkin_trend(sessions(6)), SIZE)
    assert fewer.rgba != checkin_image().rgba
    one_goal = charts.ratings_chart(rating_history(GOALS[:1], RATINGS), SIZE)
    assert one_goal.rgba != ratings_image().rgba


def test_labels_are_translated_when_drawn() -> None:
    nb = checkin_image()  # legend "Uthvilt" / "Stresset"
    i18n.set_language("en")
    assert checkin_image().rgba != nb.rgba
    i18n.set_language("nb")
    assert checkin_image().rgba == nb.rgba


@pytest.mark.parametrize("name", CHARTS)
def test_norwegian_text_draws_without_missing_glyphs(
    name: str, no_glyph_warnings: list[warnings.WarningMessage]
) -> None:
    i18n.set_language("nb")
    CHARTS[name]()
    charts.level_chart(
        level_curves(blocks(), by="exercise"),
        {"nback": "Huske tall – baklengs", "span": "Rekkefølge «ÆØÅ»", "stroop": "Farger ½"},
        SIZE,
    )


def test_the_glyph_check_can_fail() -> None:
    """A character no bundled font has does warn: the test above would notice one."""
    history = rating_history([GoalFact("g", "漢字")], [RatingFact("g", date(2024, 9, 2), 1)])
    with pytest.warns(UserWarning, match="Glyph"):
        charts.ratings_chart(history, SIZE)


def test_atkinson_hyperlegible_is_registered() -> None:
    families = charts.font_families()
    assert families[0] == "Atkinson Hyperlegible"
    assert families[-1] == "DejaVu Sans"


def test_missing_fonts_fall_back_to_dejavu(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_glyph_warnings: list[warnings.WarningMessage],
) -> None:
    assert charts.font_families(tmp_path) == ("DejaVu Sans",)
    atkinson = ratings_image()
    monkeypatch.setattr(paths, "FONTS_DIR", tmp_path)
    charts.font_families.cache_clear()
    try:
        fallback = ratings_image()
    finally:
        charts.font_families.cache_clear()
    assert len(fallback.rgba) == len(atkinson.rgba) and fallback.rgba != atkinson.rgba


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.level_chart({}, {}, SIZE),
        lambda: charts.level_chart(level_curves([], by="domain"), {}, SIZE),
        lambda: charts.ratings_chart((), SIZE),
        lambda: charts.ratings_chart(rating_history(GOALS, []), SIZE),
        lambda: charts.checkin_chart((), SIZE),
        lambda: charts.checkin_chart(checkin_trend([SessionFact("s", T0, 1.0, None, None)]), SIZE),
    ],
)
def test_empty_data_gives_a_calm_message(draw: Callable[[], ChartImage]) -> None:
    img = draw()
    assert len(img.rgba) == SIZE[0] * SIZE[1] * 4
    px = pixels(img)
    background = (px[..., :3] == charts.BACKGROUND).all(axis=-1).mean()
    assert 0.95 < background < 1.0  # some text, nothing else
    assert (*charts.MUTED, 255) in colours(img)


def test_empty_messages_are_translated() -> None:
    nb = charts.level_chart({}, {}, SIZE)
    assert nb.rgba != charts.ratings_chart((), SIZE).rgba  # "sessions" vs "ratings"
    assert nb.rgba == charts.checkin_chart((), SIZE).rgba  # both: no sessions yet


def test_single_points_and_titles() -> None:
    one = level_curves(blocks(1), by="exercise")
    assert len(charts.level_chart(one, {}, SIZE).rgba) == SIZE[0] * SIZE[1] * 4
    with_title = charts.checkin_chart(checkin_trend(sessions(1)), SIZE)
    without = charts.checkin_chart(checkin_trend(sessions(1)), SIZE, title=False)
    assert with_title.rgba != without.rgba


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError):
        level_image((100, 100))
    with pytest.raises(TypeError):
        level_image((1200.0, 500))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ChartImage(2, 2, b"\0" * 15)


def test_png_round_trip_without_timestamps() -> None:
    img = ratings_image((640, 360))
    png = charts.render_png(img)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"tIME" not in png and b"Software" not in png
    assert charts.render_png(img) == png
    back = (mpl_image.imread(io.BytesIO(png)) * 255).round().astype(np.uint8)
    assert (back == pixels(img)).all()


def test_pygame_can_take_the_buffer() -> None:
    import pygame

    img = checkin_image((640, 360))
    surface = pygame.image.frombuffer(img.rgba, (img.width_px, img.height_px), "RGBA")
    assert surface.get_size() == (640, 360)
    assert tuple(surface.get_at((0, 0))) == (*charts.BACKGROUND, 255)


def test_goal_labels_are_shortened_at_a_word() -> None:
    assert charts._shorten("Holde fokus i møter") == "Holde fokus i møter"
    long = charts._shorten("Huske avtaler og beskjeder på jobben uten å skrive alt ned")
    assert long == "Huske avtaler og beskjeder på…"
    assert len(charts._shorten("x" * 80)) == charts.GOAL_LABEL_CHARS
