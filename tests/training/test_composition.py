"""Session composition: balance over simulated months, variety, openers, hard days, seeds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

import exercises
from cogtrain.training.composition import (
    CALM,
    RESTED,
    STRESSED,
    TIRED,
    BlockRole,
    CatalogueEntry,
    CheckIn,
    CompositionError,
    ParticipantHistory,
    SessionPlan,
    catalogue_of,
    compose_session,
    split_minutes,
)
from cogtrain.training.exercise import Domain
from cogtrain.training.plans import (
    PROFILES_DIR,
    PlanOverrides,
    TrainingPlan,
    apply_overrides,
    load_profile,
    load_profiles,
    parse_plan,
)

A, M, P, S = Domain.ATTENTION, Domain.MEMORY, Domain.PROBLEM_SOLVING, Domain.PROCESSING_SPEED
CATALOGUE = (
    CatalogueEntry("symbol_coding", S, 12),
    CatalogueEntry("match_fast", S, 13),
    CatalogueEntry("go_stop", A, 12),
    CatalogueEntry("shelf_search", A, 12),
    CatalogueEntry("conveyor_watch", A, 13),
    CatalogueEntry("order_list", M, 14),
    CatalogueEntry("position_span", M, 12),
    CatalogueEntry("tower_planner", P, 14),
    CatalogueEntry("sorting_rules", P, 13),
)
IDS = tuple(e.exercise_id for e in CATALOGUE)
NORMAL = CheckIn(rested=RESTED, stressed=CALM)


def profile(name: str, known: tuple[str, ...] = IDS) -> TrainingPlan:
    return load_profile(PROFILES_DIR / f"{name}.toml", known)


def plan_from(known: tuple[str, ...] = IDS, **values: object) -> TrainingPlan:
    data: dict[str, object] = {"name": {"nb": "Prøve", "en": "Trial"}, **values}
    return parse_plan(data, source="test.toml", profile_id="test", known_exercise_ids=known)


@dataclass
class Simulation:
    """A participant training week after week; the history is updated after each session."""

    plan: TrainingPlan
    catalogue: tuple[CatalogueEntry, ...] = CATALOGUE
    seed: int = 2026
    levels: dict[str, int] = field(default_factory=dict)
    week: dict[Domain, float] = field(default_factory=dict)
    total: dict[Domain, float] = field(default_factory=dict)
    recent: tuple[tuple[str, ...], ...] = ()
    done: int = 0
    sessions: list[SessionPlan] = field(default_factory=list)
    weeks: list[dict[Domain, float]] = field(default_factory=list)

    def history(self) -> ParticipantHistory:
        return ParticipantHistory(
            levels=dict(self.levels),
            week_minutes=dict(self.week),
            total_minutes=dict(self.total),
            recent_sessions=self.recent,
            sessions_done=self.done,
        )

    def run(self, n_weeks: int, *, hard_every: int = 5) -> Simulation:
        """``hard_every``: every n-th session the participant checks in tired."""
        rng = np.random.default_rng(self.seed)
        learner = np.random.default_rng(self.seed + 1)
        for _ in range(n_weeks):
            self.week = {}
            for _ in range(self.plan.sessions_per_week):
                hard = hard_every and self.done % hard_every == hard_every - 1
                check_in = CheckIn(rested=TIRED) if hard else NORMAL
                session = compose_session(self.plan, self.catalogue, self.history(), check_in, rng)
                for b in session.blocks:
                    self.week[b.domain] = self.week.get(b.domain, 0.0) + b.target_minutes
                    self.total[b.domain] = self.total.get(b.domain, 0.0) + b.target_minutes
                    self.levels[b.exercise_id] = max(
                        1, self.levels.get(b.exercise_id, 1) + int(learner.integers(-1, 3))
                    )
                self.recent = (*self.recent, session.exercise_ids)[-4:]
                self.done += 1
                self.sessions.append(session)
            self.weeks.append(dict(self.week))
        return self

    def all_blocks(self) -> list[str]:
        return [x for s in self.sessions for x in s.exercise_ids]


def shares(minutes: dict[Domain, float]) -> dict[Domain, float]:
    total = sum(minutes.values())
    return {d: minutes.get(d, 0.0) / total for d in Domain}


# --- balance over a simulated programme ---------------------------------------------------


@pytest.mark.parametrize("name", ["jmo-standard", "attention-focus", "short-sessions"])
def test_twenty_weeks_reach_every_domain_within_ten_percent_of_its_weight(name: str) -> None:
    plan = profile(name)
    sim = Simulation(plan).run(20)
    assert len(sim.sessions) == 20 * plan.sessions_per_week
    got = shares(sim.total)
    for d in Domain:
        target = plan.weight_share(d)
        assert abs(got[d] - target) <= 0.10 * target, (d, got[d], target)
    # Every week is roughly balanced too, not only the long run.
    for week in sim.weeks:
        week_share = shares(week)
        for d in Domain:
            target = plan.weight_share(d)
            assert abs(week_share[d] - target) <= 0.40 * target, (d, week_share, target)


@pytest.mark.parametrize("name", ["jmo-standard", "attention-focus"])
@pytest.mark.parametrize("excluded", [(), ("go_stop", "nback_dispatch", "delivery_route")])
def test_shipped_profile_over_the_real_registry_for_a_whole_programme(
    name: str, excluded: tuple[str, ...]
) -> None:
    """The issue's requirement: 20 weeks x 2 sessions, every domain within +-10 % of its weight.

    Shares count every block's minutes, the warm-up included: the warm-up is active
    training time toward the 40 hours, and the composer counts it toward its domain
    (processing speed, for symbol_coding) so that domain gets fewer training blocks.
    Leaving it out would measure something the composer does not aim at (see the end).
    """
    catalogue = catalogue_of(exercises.EXERCISES)
    ids = tuple(e.exercise_id for e in catalogue)
    loaded = load_profiles(PROFILES_DIR, known_exercise_ids=ids)
    assert loaded.errors == ()
    plan = loaded.get(name)
    if excluded:  # a participant's override, the way a consultant excludes exercises
        override = PlanOverrides(source="P-07.toml", exclude=excluded)
        plan = apply_overrides(plan, override, known_exercise_ids=ids)
    assert plan.planned_weeks == 20 and plan.sessions_per_week == 2

    sim = Simulation(plan, catalogue=catalogue).run(20)
    assert len(sim.sessions) == 40
    assert sum(sim.total.values()) == 40 * 60  # the 40 hours, to the minute
    got = shares(sim.total)
    for d in Domain:
        target = plan.weight_share(d)
        assert abs(got[d] - target) <= 0.10 * target, (d, got[d], target)

    blocks = sim.all_blocks()
    repeats = [(i, blocks[i]) for i in range(1, len(blocks)) if blocks[i] == blocks[i - 1]]
    assert repeats == []
    assert set(blocks).isdisjoint(excluded)
    assert set(blocks) == set(ids) - set(excluded)  # and everything else gets its turn

    # Without the warm-up, processing speed falls well short: the composer balances
    # the whole session, so that is the measure that has to (and does) match.
    training = {d: 0.0 for d in Domain}
    for session in sim.sessions:
        for b in session.blocks[1:]:
            training[b.domain] += b.target_minutes
    assert all(s.blocks[0].role is BlockRole.WARM_UP for s in sim.sessions)
    assert shares(training)[S] < 0.9 * plan.weight_share(S)


def test_attention_focus_gives_attention_twice_the_time_of_any_other_domain() -> None:
    got = shares(Simulation(profile("attention-focus")).run(20).total)
    for d in (M, P, S):
        assert got[A] / got[d] == pytest.approx(2.0, rel=0.1)


def test_balance_holds_for_other_seeds_and_without_hard_days() -> None:
    plan = profile("jmo-standard")
    for seed in (1, 2, 3):
        got = shares(Simulation(plan, seed=seed).run(20, hard_every=0).total)
        assert all(abs(got[d] - 0.25) <= 0.025 for d in Domain), got


def test_domains_missing_from_the_catalogue_share_out_their_weight() -> None:
    no_memory = tuple(e for e in CATALOGUE if e.domain != M)
    sim = Simulation(profile("jmo-standard"), catalogue=no_memory).run(10)
    got = shares(sim.total)
    assert got[M] == 0
    assert all(abs(got[d] - 1 / 3) <= 0.1 / 3 for d in (A, P, S)), got


def test_zero_weight_domain_is_not_trained_except_as_an_opener() -> None:
    plan = plan_from(weights={"memory": 0}, warm_up="symbol_coding")
    sim = Simulation(plan).run(6)
    assert M not in sim.total
    assert all(abs(shares(sim.total)[d] - 1 / 3) <= 0.1 / 3 for d in (A, P, S))


# --- variety ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jmo-standard", "attention-focus", "short-sessions"])
def test_no_exercise_twice_in_a_row_even_across_sessions(name: str) -> None:
    blocks = Simulation(profile(name)).run(20).all_blocks()
    repeats = [i for i in range(1, len(blocks)) if blocks[i] == blocks[i - 1]]
    assert repeats == []


def test_no_domain_twice_in_a_row_within_a_session_unless_allowed() -> None:
    for session in Simulation(profile("attention-focus")).run(10).sessions:
        domains = [b.domain for b in session.blocks]
        assert all(a != b for a, b in zip(domains, domains[1:], strict=False)), domains
    allowed = plan_from(
        rotation={"allow_same_domain_in_a_row": True},
        weights={"attention": 6, "memory": 1, "problem_solving": 1, "processing_speed": 1},
    )
    sessions = Simulation(allowed).run(4).sessions
    assert any(
        a.domain == b.domain == A
        for s in sessions
        for a, b in zip(s.blocks, s.blocks[1:], strict=False)
    )


def test_every_exercise_of_a_domain_gets_its_turn() -> None:
    counts: dict[str, int] = {}
    for x in Simulation(profile("jmo-standard")).run(20).all_blocks():
        counts[x] = counts.get(x, 0) + 1
    assert set(counts) == set(IDS)
    attention = [counts[x] for x in ("go_stop", "shelf_search", "conveyor_watch")]
    assert max(attention) - min(attention) <= 2


def test_excluded_exercises_never_appear() -> None:
    plan = plan_from(exclude=["go_stop", "order_list"])
    blocks = set(Simulation(plan).run(5).all_blocks())
    assert not blocks & {"go_stop", "order_list"}


def test_last_session_ending_with_the_warm_up_means_a_strong_start_instead() -> None:
    plan = profile("jmo-standard")
    levels = {"go_stop": 6, "order_list": 11, "tower_planner": 12, "symbol_coding": 12}
    history = ParticipantHistory(levels=levels, recent_sessions=(("go_stop", "symbol_coding"),))
    session = compose_session(plan, CATALOGUE, history, NORMAL, np.random.default_rng(0))
    first = session.blocks[0]
    # symbol_coding (12 of 12) is the strongest but just ended the last session;
    # order_list 11/14 = 0.79 loses to tower_planner 12/14 = 0.86.
    assert first.exercise_id == "tower_planner"
    assert first.role is BlockRole.STRONG_START
    assert first.target_minutes == plan.warm_up_minutes


# --- openers ------------------------------------------------------------------------------


def test_session_opens_with_the_warm_up() -> None:
    for session in Simulation(profile("jmo-standard")).run(10).sessions:
        first = session.blocks[0]
        assert (first.exercise_id, first.role) == ("symbol_coding", BlockRole.WARM_UP)
        assert session.blocks[-1].exercise_id != "symbol_coding"


def test_without_a_warm_up_the_session_opens_with_the_relatively_strongest_exercise() -> None:
    plan = plan_from(warm_up="")
    # Level 9 of 12 (0.75) beats level 10 of 14 (0.71): relative, not absolute, level.
    levels = {"go_stop": 9, "order_list": 10, "match_fast": 3}
    history = ParticipantHistory(levels=levels)
    for seed in range(5):
        session = compose_session(plan, CATALOGUE, history, NORMAL, np.random.default_rng(seed))
        assert session.blocks[0].exercise_id == "go_stop"
        assert session.blocks[0].role is BlockRole.STRONG_START
    after = ParticipantHistory(levels=levels, recent_sessions=(("order_list", "go_stop"),))
    session = compose_session(plan, CATALOGUE, after, NORMAL, np.random.default_rng(0))
    assert session.blocks[0].exercise_id == "order_list"


def test_strong_start_ignores_zero_weight_domains() -> None:
    plan = plan_from(warm_up="", weights={"memory": 0})
    history = ParticipantHistory(levels={"order_list": 14, "go_stop": 3})
    session = compose_session(plan, CATALOGUE, history, NORMAL, np.random.default_rng(0))
    assert session.blocks[0].exercise_id == "go_stop"


def test_rotation_turns_the_first_domain_after_the_warm_up_each_session() -> None:
    plan = profile("jmo-standard")  # domain order: attention, memory, problem_solving, speed
    firsts = []
    for done in range(3):
        history = ParticipantHistory(sessions_done=done)
        session = compose_session(plan, CATALOGUE, history, NORMAL, np.random.default_rng(0))
        firsts.append(session.blocks[1].domain)
    assert firsts == [A, M, P]


# --- hard days and breaks -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jmo-standard", "attention-focus", "short-sessions"])
def test_hard_day_shortens_blocks_and_offers_more_breaks(name: str) -> None:
    plan = profile(name)
    for tired, stressed in [(TIRED, CALM), (RESTED, STRESSED), (TIRED, STRESSED)]:
        hard_check = CheckIn(rested=tired, stressed=stressed)
        normal = compose_session(
            plan, CATALOGUE, ParticipantHistory(), NORMAL, np.random.default_rng(3)
        )
        hard = compose_session(
            plan, CATALOGUE, ParticipantHistory(), hard_check, np.random.default_rng(3)
        )
        assert hard.hard_day and not normal.hard_day
        assert max(b.target_minutes for b in hard.blocks) <= plan.hard_day.block_minutes
        assert max(b.target_minutes for b in hard.blocks) < max(
            b.target_minutes for b in normal.blocks
        )
        assert hard.breaks_offered > normal.breaks_offered
        assert hard.total_minutes == normal.total_minutes == plan.session_minutes


@pytest.mark.parametrize("hard", [False, True])
def test_breaks_come_at_the_first_boundary_after_the_interval(hard: bool) -> None:
    # short-sessions offers breaks every 12 minutes (8 on a hard day), so the two differ.
    for name in ("jmo-standard", "short-sessions"):
        plan = profile(name)
        every = plan.hard_day.offer_break_every_minutes if hard else plan.breaks.offer_every_minutes
        sessions = Simulation(plan).run(3, hard_every=1 if hard else 0).sessions
        assert all(s.hard_day == hard for s in sessions)
        for session in sessions:
            since = 0
            for i, b in enumerate(session.blocks):
                since += b.target_minutes
                last = i == len(session.blocks) - 1
                assert b.break_after == (not last and since >= every), session
                if b.break_after:
                    since = 0
            assert session.break_minutes == plan.breaks.break_minutes
            assert not session.blocks[-1].break_after


def test_blocks_fill_the_session_and_none_is_longer_than_planned() -> None:
    for name in ("jmo-standard", "short-sessions"):
        plan = profile(name)
        for session in Simulation(plan).run(5).sessions:
            assert session.total_minutes == plan.session_minutes
            longest = plan.hard_day.block_minutes if session.hard_day else plan.block_minutes
            assert all(1 <= b.target_minutes <= longest for b in session.blocks)
            assert session.blocks[0].target_ms == session.blocks[0].target_minutes * 60_000


def test_split_minutes() -> None:
    assert split_minutes(55, 10) == (10, 9, 9, 9, 9, 9)
    assert split_minutes(50, 10) == (10, 10, 10, 10, 10)
    assert split_minutes(7, 10) == (7,)
    assert split_minutes(55, 6) == (6, 6, 6, 6, 6, 5, 5, 5, 5, 5)
    with pytest.raises(ValueError):
        split_minutes(0, 10)


def test_check_in_scale() -> None:
    assert not CheckIn().hard_day
    assert not CheckIn(rested=RESTED, stressed=CALM).hard_day
    assert CheckIn(rested=TIRED, stressed=CALM).hard_day
    assert CheckIn(rested=RESTED, stressed=STRESSED).hard_day
    for bad in ({"rested": 0}, {"stressed": 4}, {"rested": True}, {"stressed": 2.0}):
        with pytest.raises(ValueError, match="1, 2 or 3"):
            CheckIn(**bad)  # type: ignore[arg-type]


def test_history_refuses_impossible_numbers() -> None:
    with pytest.raises(ValueError, match="week_minutes"):
        ParticipantHistory(week_minutes={A: -5.0})
    with pytest.raises(ValueError, match="level of go_stop"):
        ParticipantHistory(levels={"go_stop": 0})


# --- determinism --------------------------------------------------------------------------


def test_same_seed_same_sessions_other_seed_other_choices() -> None:
    plan = profile("attention-focus")
    a = Simulation(plan, seed=11).run(8).sessions
    b = Simulation(plan, seed=11).run(8).sessions
    c = Simulation(plan, seed=12).run(8).sessions
    assert a == b
    assert [s.exercise_ids for s in a] != [s.exercise_ids for s in c]


def test_composing_does_not_change_its_inputs() -> None:
    plan = profile("jmo-standard")
    week = {A: 20.0}
    history = ParticipantHistory(week_minutes=week, recent_sessions=(("go_stop",),))
    compose_session(plan, CATALOGUE, history, NORMAL, np.random.default_rng(0))
    assert week == {A: 20.0} and history.recent_sessions == (("go_stop",),)


# --- small catalogues and the real registry ----------------------------------------------------


def test_nothing_allowed_is_a_clear_error() -> None:
    plan = plan_from(include=["go_stop"])
    only_other = (CatalogueEntry("order_list", M, 12),)
    with pytest.raises(CompositionError, match="test.toml: no exercise in the catalogue"):
        compose_session(plan, only_other, ParticipantHistory(), NORMAL, np.random.default_rng(0))


def test_a_single_exercise_catalogue_still_gives_a_session() -> None:
    plan = plan_from(warm_up="symbol_coding")
    single = (CatalogueEntry("symbol_coding", S, 12),)
    session = compose_session(plan, single, ParticipantHistory(), NORMAL, np.random.default_rng(0))
    assert set(session.exercise_ids) == {"symbol_coding"}
    assert session.total_minutes == plan.session_minutes


def test_two_exercises_alternate() -> None:
    plan = plan_from(rotation={"allow_same_domain_in_a_row": True})
    two = (CatalogueEntry("symbol_coding", S, 12), CatalogueEntry("match_fast", S, 13))
    blocks = Simulation(plan, catalogue=two).run(3).all_blocks()
    assert all(x != y for x, y in zip(blocks, blocks[1:], strict=False))


@pytest.mark.parametrize("name", ["jmo-standard", "attention-focus", "short-sessions"])
def test_works_with_whatever_the_registry_holds(name: str) -> None:
    catalogue = catalogue_of(exercises.EXERCISES)
    ids = tuple(e.exercise_id for e in catalogue)
    plan = profile(name, ids)
    sim = Simulation(plan, catalogue=catalogue).run(4)
    blocks = sim.all_blocks()
    assert set(blocks) <= set(ids)
    if len(ids) > 1:
        assert all(x != y for x, y in zip(blocks, blocks[1:], strict=False))
    for session in sim.sessions:
        assert session.total_minutes == plan.session_minutes
        assert session.blocks[0].role in (BlockRole.WARM_UP, BlockRole.STRONG_START)
        for b in session.blocks:
            assert exercises.get(b.exercise_id).domain == b.domain
