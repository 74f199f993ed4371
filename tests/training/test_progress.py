"""Progress maths: active time (pauses never count) toward the 40 hours, exact values."""

from __future__ import annotations

import dataclasses

import pytest

from cogtrain.training.progress import (
    MS_PER_HOUR,
    MS_PER_MINUTE,
    TARGET_HOURS,
    TimeTrained,
    active_ms,
    time_trained,
)

MINUTE = 60_000.0


def test_units_and_the_jmo_target() -> None:
    assert TARGET_HOURS == 40.0
    assert MS_PER_MINUTE == 60_000.0
    assert MS_PER_HOUR == 3_600_000.0 == 60 * MS_PER_MINUTE


def test_active_time_is_wall_time_minus_pauses() -> None:
    assert active_ms(10 * MINUTE, 0.0) == 600_000.0
    assert active_ms(10 * MINUTE, 90_000.0) == 510_000.0
    assert active_ms(10 * MINUTE, 10 * MINUTE) == 0.0


def test_active_time_is_never_negative_and_a_negative_pause_adds_nothing() -> None:
    assert active_ms(60_000.0, 90_000.0) == 0.0  # paused longer than the block ran
    assert active_ms(-1.0, 0.0) == 0.0
    assert active_ms(60_000.0, -5_000.0) == 60_000.0  # not 65 000


def test_time_trained_sums_today_and_all_blocks() -> None:
    t = time_trained([25 * MINUTE, 30 * MINUTE], [90 * MINUTE, 25 * MINUTE, 30 * MINUTE])
    assert t == TimeTrained(today_ms=3_300_000.0, total_ms=8_700_000.0, target_hours=40.0)
    assert t.today_minutes == 55.0
    assert t.total_hours == 2.4166666666666665  # 145 minutes
    assert t.total_hours == 145 / 60
    assert t.fraction_of_target == 145 / 60 / 40


def test_time_trained_takes_any_iterables_and_gives_floats() -> None:
    t = time_trained(iter([1, 2]), (x for x in (1, 2, 3)))
    assert (t.today_ms, t.total_ms) == (3.0, 6.0)
    assert isinstance(t.today_ms, float) and isinstance(t.total_ms, float)
    empty = time_trained([], [])
    assert (empty.today_ms, empty.total_ms, empty.fraction_of_target) == (0.0, 0.0, 0.0)


def test_fraction_of_target() -> None:
    assert TimeTrained(0.0, 20 * MS_PER_HOUR).fraction_of_target == 0.5
    assert TimeTrained(0.0, 40 * MS_PER_HOUR).fraction_of_target == 1.0
    assert TimeTrained(0.0, 40 * MS_PER_HOUR - 1).fraction_of_target < 1.0
    assert TimeTrained(0.0, 55 * MS_PER_HOUR).fraction_of_target == 1.0  # capped
    assert TimeTrained(0.0, 15 * MS_PER_HOUR, target_hours=30).fraction_of_target == 0.5
    assert TimeTrained(0.0, 15 * MS_PER_HOUR, target_hours=0).fraction_of_target == 0.0


def test_a_jmo_programme_with_pauses_reaches_exactly_forty_hours() -> None:
    # 40 sessions of 6 blocks; each block ran 11 minutes of which 1 minute was paused.
    blocks = [active_ms(11 * MINUTE, 1 * MINUTE) for _ in range(40 * 6)]
    t = time_trained(blocks[-6:], blocks)
    assert t.total_ms == 144_000_000.0
    assert t.total_hours == 40.0
    assert t.fraction_of_target == 1.0
    assert t.today_minutes == 60.0
    # Counting wall time instead would have claimed 44 hours.
    assert sum(11 * MINUTE for _ in blocks) / MS_PER_HOUR == 44.0


def test_time_trained_is_immutable() -> None:
    t = time_trained([1.0], [1.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.total_ms = 5.0  # type: ignore[misc]
