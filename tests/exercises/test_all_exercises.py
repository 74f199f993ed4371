"""What every registered exercise must satisfy: the contract of exercises/README.md.

Pure checks run the rules without a window; the play test runs one practice round and
one block of each exercise through the real loop and trial runner, headless.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pygame
import pytest

import exercises
from cogtrain import i18n
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.flow import ProgramFlow
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.scenes.block_end import BlockEndScene
from cogtrain.runtime.scenes.instructions import InstructionsScene
from cogtrain.runtime.scenes.message import MessageScene
from cogtrain.runtime.theme import Theme
from cogtrain.storage.store import Store
from cogtrain.training.block import BlockConfig
from cogtrain.training.exercise import Domain, ExerciseInfo, HistoryItem
from cogtrain.training.staircase import Staircase

ALL = exercises.EXERCISES
IDS = [e.exercise_id for e in ALL]


def play_pure(info: ExerciseInfo, level: int, seed: int, n: int, answer) -> list:  # noqa: ANN001
    """Run ``n`` trials of the pure rules at a fixed level; ``answer(spec, rng)`` responds."""
    rng = np.random.default_rng(seed)
    history: list[HistoryItem] = []
    out = []
    for _ in range(n):
        spec = info.rules.new_trial(level, rng, history)
        outcome = info.rules.score(spec, answer(spec, rng))
        history.append(HistoryItem(spec, outcome))
        out.append((spec, outcome))
    return out


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_levels_are_data_and_at_least_twelve(info: ExerciseInfo) -> None:
    assert len(info.rules.levels) >= 12
    assert info.rules.max_level == len(info.rules.levels)
    assert isinstance(info.domain, Domain)
    assert 1 <= len(info.instructions) <= 5


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_every_level_makes_valid_replayable_trials(info: ExerciseInfo) -> None:
    for level in range(1, info.rules.max_level + 1):
        for spec, _outcome in play_pure(
            info, level, seed=level, n=6, answer=lambda s, r: info.rules.correct_response(s)
        ):
            assert spec.level == level
            as_json = json.loads(json.dumps(spec.to_json()))
            assert info.rules.spec_from_json(as_json) == spec
            limit = spec.time_limit_ms
            assert limit is None or limit > 0


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_make_trial_is_deterministic_for_a_seed(info: ExerciseInfo) -> None:
    level = max(1, info.rules.max_level // 2)
    a = play_pure(info, level, 99, 8, lambda s, r: info.rules.correct_response(s))
    b = play_pure(info, level, 99, 8, lambda s, r: info.rules.correct_response(s))
    assert [s for s, _ in a] == [s for s, _ in b]


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_right_and_wrong_answers_score_as_such(info: ExerciseInfo) -> None:
    for level in (1, info.rules.max_level // 2, info.rules.max_level):
        right = play_pure(info, level, 5, 10, lambda s, r: info.rules.correct_response(s))
        assert all(o.correct and o.error_kind is None for _, o in right)
        wrong = play_pure(info, level, 6, 10, lambda s, r: info.rules.error_response(s, r))
        assert all(not o.correct and o.error_kind for _, o in wrong)


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_simulated_learner_settles_within_80_pm_5_percent(info: ExerciseInfo) -> None:
    """A learner with a known psychometric function, answering through the real rules."""
    top = info.rules.max_level
    midpoint = 0.6 * top

    def p_correct(level: int) -> float:
        return 0.25 + 0.75 / (1 + math.exp(1.2 * (level - midpoint)))

    rng = np.random.default_rng(2026)
    sc = Staircase.start(1, top)
    history: list[HistoryItem] = []
    for _ in range(1600):
        spec = info.rules.new_trial(sc.level, rng, history)
        knows = rng.random() < p_correct(sc.level)
        response = (
            info.rules.correct_response(spec) if knows else info.rules.error_response(spec, rng)
        )
        outcome = info.rules.score(spec, response)
        history.append(HistoryItem(spec, outcome))
        if len(history) > 60:
            del history[:-60]
        sc.update(outcome.correct)
    accuracy = float(np.mean(sc.responses[300:]))
    assert 0.75 <= accuracy <= 0.85, accuracy
    assert sc.level > 1  # it really adapted upward


@pytest.fixture
def app() -> App:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    yield App(ManualClock())
    pygame.quit()


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_one_block_plays_through_the_real_runner(
    info: ExerciseInfo, app: App, store: Store
) -> None:
    store.ensure_demo_participant()
    flow = ProgramFlow(
        app,
        store,
        exercise_id=info.exercise_id,
        block_config=BlockConfig(max_trials=8, practice_trials=2),
    )
    flow.show_start()
    rng = np.random.default_rng(1)
    answered = {"n": 0}

    def driver(app: App) -> None:
        top = app.top
        if isinstance(top, BlockEndScene):
            app.running = False
        elif isinstance(top, (MessageScene, InstructionsScene)) or type(top).__name__ in (
            "StartScene",
            "ChoiceCardsScene",
        ):
            pygame.event.post(
                pygame.event.Event(
                    pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="", scancode=0
                )
            )
        elif (
            isinstance(top, BlockScene)
            and top.runner is not None
            and top.runner.accepting_input
            and top.runner.spec is not None
        ):
            spec = top.runner.spec
            key = (top.runner.trial_index, id(spec))
            if answered.get("last") == key:
                return
            answered["last"] = key
            ok = answered["n"] % 4 != 3
            answered["n"] += 1
            resp = info.rules.correct_response(spec) if ok else info.rules.error_response(spec, rng)
            for e in top.view.events_for(resp, spec, top.content_rect(app.surface), app.theme):
                pygame.event.post(e)

    app.run(driver=driver, max_frames=60_000)
    [p] = store.participants()
    [session] = store.sessions_of(p.id)
    practice, block = store.blocks_of_session(session.id)
    assert practice.is_practice and practice.n_trials == 2
    assert block.status == "completed" and block.n_trials == 8
    trials = store.trials_of_block(block.id)
    assert [t.index for t in trials] == list(range(8))
    assert sum(t.correct for t in trials) == block.n_correct >= 5


@pytest.mark.parametrize("info", ALL, ids=IDS)
@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_views_draw_every_level_and_instruction_page(info: ExerciseInfo, size, lang) -> None:  # noqa: ANN001
    i18n.set_language(lang)
    pygame.init()
    surface = pygame.Surface(size)
    theme = Theme(size[1])
    view = exercises.load_view_class(info)()
    rect = surface.get_rect().inflate(-96, -256)
    for level in range(1, info.rules.max_level + 1):
        spec = info.rules.new_trial(level, np.random.default_rng(level), ())
        view.begin_trial(spec)
        for elapsed in (None, 0.0, 400.0, 5000.0):
            view.draw_trial(
                surface, rect, theme, spec, show_stimulus=elapsed is not None, elapsed_ms=elapsed
            )
    for page in range(len(info.instructions)):
        view.draw_example(surface, rect, theme, spec, page)


@pytest.mark.parametrize("info", ALL, ids=IDS)
@pytest.mark.parametrize("size", [(400, 300), (640, 480)])
def test_instruction_pages_draw_in_a_window_smaller_than_the_minimum(
    info: ExerciseInfo, size
) -> None:  # noqa: ANN001
    """The window's minimum size is only a request to the window manager: a tiny window
    must still draw the words (the picture may be left out), never raise."""
    from cogtrain.runtime.scenes.instructions import InstructionsScene

    i18n.set_language("nb")
    pygame.init()
    surface = pygame.Surface(size)
    view = exercises.load_view_class(info)()
    spec = info.rules.new_trial(1, np.random.default_rng(1), ())
    scene = InstructionsScene(
        i18n._(info.title),
        [i18n._(p) for p in info.instructions],
        view,
        spec,
        on_done=lambda: None,
        make_pause=lambda: None,  # type: ignore[arg-type,return-value]
    )
    for _page in info.instructions:
        scene.draw(surface)
        scene._next()
