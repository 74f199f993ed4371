"""Render every participant screen to PNG, through the real flow, in a throw-away database.

Used by ``cogtrain screenshot --out DIR --size WxH`` (see tools/screenshots.sh) so that
each screen can be looked at in both languages and at every supported size.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame

from cogtrain import i18n
from cogtrain.errors import CogtrainError
from cogtrain.i18n import _
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.flow import ProgramFlow
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.scenes.instructions import InstructionsScene
from cogtrain.runtime.trial_runner import Phase
from cogtrain.storage.engine import resolve_url
from cogtrain.storage.store import Store


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise CogtrainError(
            f"Window size {text!r} is not WIDTHxHEIGHT.", hint="For example --size 1024x768"
        ) from None
    if w < 640 or h < 480:
        raise CogtrainError(f"Window size {text} is too small.", hint="Use at least 1024x768.")
    return w, h


def _key_event(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


def _advance_until(app: App, cond: Callable[[], bool], limit: int = 2000) -> None:
    for _frame in range(limit):
        if cond():
            return
        app.step([])
        app.clock.advance_ms(1000 / app.fps)  # type: ignore[attr-defined]
    raise RuntimeError("screen did not reach the expected state")


def _runner(app: App):  # type: ignore[no-untyped-def]
    scenes = [s for s in app.stack if isinstance(s, BlockScene)]
    return scenes[-1].runner if scenes else None


def _answer(app: App, correct: bool) -> None:
    """Answer the trial on screen through the view's own input events."""
    _advance_until(app, lambda: _runner(app) is not None and _runner(app).accepting_input)
    scene = app.top
    assert isinstance(scene, BlockScene) and scene.runner is not None
    rules, spec = scene.info.rules, scene.runner.spec
    response = (
        rules.correct_response(spec)
        if correct
        else rules.error_response(spec, np.random.default_rng(0))
    )
    events = scene.view.events_for(response, spec, scene.content_rect(app.surface), app.theme)
    for e in events:
        pygame.event.post(e)
    app.step(app._collect_immediate())
    if not events:  # a timeout: let the runner's time limit run out
        _advance_until(
            app, lambda: _runner(app) is None or not _runner(app).accepting_input, limit=20000
        )


def _finish_block(app: App) -> None:
    """Answer every remaining trial of the running block (mostly right) until it ends."""
    n = 0
    while isinstance(app.top, BlockScene):
        _advance_until(
            app,
            lambda: not isinstance(app.top, BlockScene) or _runner(app).accepting_input,
            limit=20000,
        )
        if isinstance(app.top, BlockScene):
            _answer(app, correct=n % 5 != 4)
            n += 1


def render_levels(out_dir: Path, size: tuple[int, int], exercise_id: str) -> list[Path]:
    """One PNG of a trial at the first, middle and last level of an exercise."""
    import exercises
    from cogtrain.runtime.scenes.layout import margins
    from cogtrain.runtime.theme import BACKGROUND, Theme

    info = exercises.get(exercise_id)
    view = exercises.load_view_class(info)()
    lang = i18n.current_language()
    surface = pygame.Surface(size)
    theme = Theme(size[1])
    area = margins(surface, theme)
    rect = pygame.Rect(area.left, area.top + theme.px(60), area.width, area.height - theme.px(160))
    saved = []
    top = info.rules.max_level
    for level in sorted({1, (top + 1) // 2, top}):
        spec = info.rules.new_trial(level, np.random.default_rng(level), ())
        view.begin_trial(spec)
        surface.fill(BACKGROUND)
        view.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=0.0)
        path = out_dir / f"{exercise_id}_level{level:02d}_{lang}_{size[0]}x{size[1]}.png"
        pygame.image.save(surface, path)
        saved.append(path)
    return saved


def render_all(
    out_dir: Path, size: tuple[int, int], exercise_id: str = "symbol_coding"
) -> list[Path]:
    """Walk the participant flow and save a PNG of every screen; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lang = i18n.current_language()
    saved: list[Path] = []
    pygame.init()
    try:
        pygame.display.set_mode(size)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(resolve_url(f"sqlite:///{tmp}/shots.sqlite3"))
            store.ensure_demo_participant()
            store.add_participant("P-0427")
            app = App(ManualClock())
            flow = ProgramFlow(app, store, exercise_id=exercise_id)

            def shot(name: str) -> None:
                app.step([])
                path = out_dir / f"{exercise_id}_{name}_{lang}_{size[0]}x{size[1]}.png"
                pygame.image.save(app.surface, path)
                saved.append(path)

            flow.show_start()
            shot("01_start")
            flow.pick(store.participants()[0])
            shot("01b_checkin_rested")
            pygame.event.post(_key_event(pygame.K_3))
            app.step(app._collect_immediate())
            shot("01c_checkin_stressed")
            pygame.event.post(_key_event(pygame.K_1))
            app.step(app._collect_immediate())
            instructions = app.top
            assert isinstance(instructions, InstructionsScene)
            for page in range(len(instructions.pages)):
                shot(f"02_instructions_{page + 1}")
                instructions._next()
            flow.practice()
            _advance_until(app, lambda: _runner(app).accepting_input)
            shot("03_practice_trial")
            _answer(app, correct=False)
            shot("04_practice_feedback_not_quite")
            _advance_until(app, lambda: _runner(app).phase is Phase.GAP)
            _answer(app, correct=True)
            shot("05_practice_feedback_right")
            _finish_block(app)
            shot("06_practice_done")
            flow.block()
            _advance_until(app, lambda: _runner(app).accepting_input)
            shot("07_block_trial")
            app.pause()
            shot("08_pause")
            app.resume()
            _finish_block(app)
            shot("09_block_end")
            for k in (
                pygame.K_RETURN,
                pygame.K_RETURN,
                pygame.K_RIGHT,
                pygame.K_RIGHT,
                pygame.K_RETURN,
            ):  # Next; tick the first and third strategy
                pygame.event.post(_key_event(k))
            app.step(app._collect_immediate())
            shot("10_strategies")
            for _up in range(3):  # wraps round to "Next"
                pygame.event.post(_key_event(pygame.K_UP))
            pygame.event.post(_key_event(pygame.K_RETURN))
            app.step(app._collect_immediate())
            example = str(_("For example: when I pick orders")).split(":")[-1].strip()
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=example))
            app.step(app._collect_immediate())
            shot("11_transfer")
            pygame.event.post(_key_event(pygame.K_TAB))
            pygame.event.post(_key_event(pygame.K_RIGHT))
            pygame.event.post(_key_event(pygame.K_RETURN))
            app.step(app._collect_immediate())
            shot("12_session_end")
            flow.show_error(
                CogtrainError(
                    "The disk holding the database is full.",
                    hint="Free some space on the disk and start again.",
                )
            )
            shot("13_error")
            store.close()
        saved.extend(render_levels(out_dir, size, exercise_id))
    finally:
        pygame.quit()
    return saved


def _planned_driver(app: App, shoot: Callable[[str], None]):  # type: ignore[no-untyped-def]
    """Plays a planned session (mostly right answers, first button everywhere) and shoots
    the first frame of every screen it meets."""
    seen: set[str] = set()
    count = {"n": 0, "break_frames": 0, "last": None}

    def screen_name(top: object) -> str:
        name = type(top).__name__
        title = getattr(top, "title", None)
        return f"{name}:{title}" if title is not None else name

    def driver(app: App) -> None:
        from cogtrain.runtime.scenes.breaks import BreakScene
        from cogtrain.runtime.scenes.message import MessageScene

        top = app.top
        if top is None:
            return
        name = screen_name(top)
        if name not in seen and not isinstance(top, BlockScene):
            seen.add(name)
            app.step([])
            shoot(name)
        if isinstance(top, BlockScene):
            runner = top.runner
            if runner is None or not runner.accepting_input or runner.spec is None:
                return
            marker = (id(top), runner.trial_index)
            if count["last"] == marker:
                return
            count["last"] = marker
            if f"block:{top.info.exercise_id}:{top.practice}" not in seen:
                seen.add(f"block:{top.info.exercise_id}:{top.practice}")
                shoot(f"{top.info.exercise_id}{'_practice' if top.practice else ''}")
            ok = count["n"] % 5 != 4
            count["n"] += 1
            rules = top.info.rules
            spec = runner.spec
            resp = (
                rules.correct_response(spec)
                if ok
                else rules.error_response(spec, np.random.default_rng(count["n"]))
            )
            for e in top.view.events_for(resp, spec, top.content_rect(app.surface), app.theme):
                pygame.event.post(e)
            return
        if isinstance(top, BreakScene):
            count["break_frames"] += 1
            if count["break_frames"] == 1:
                app.clock.advance_ms(top.break_minutes * 60_000)  # type: ignore[attr-defined]
                app.step([])
                shoot("BreakScene_over")
            pygame.event.post(_key_event(pygame.K_RETURN))
            return
        if isinstance(top, MessageScene) and str(top.title) == str(
            _("The session is finished. Thank you for today!")
        ):
            app.running = False
            return
        if type(top).__name__ == "StrategyScene":
            for k in (pygame.K_RETURN, pygame.K_UP, pygame.K_UP, pygame.K_UP, pygame.K_RETURN):
                pygame.event.post(_key_event(k))
            return
        if type(top).__name__ == "TransferScene":
            pygame.event.post(_key_event(pygame.K_TAB))
        pygame.event.post(_key_event(pygame.K_RETURN))

    return driver


def render_session(out_dir: Path, size: tuple[int, int]) -> list[Path]:
    """Walk a short planned session (home, check-in, blocks, breaks, end, continue-offer)
    and save each screen the first time it appears."""
    import dataclasses

    import exercises
    from cogtrain.training.plans import BreakRules, load_profiles

    out_dir.mkdir(parents=True, exist_ok=True)
    lang = i18n.current_language()
    saved: list[Path] = []
    plans = load_profiles(known_exercise_ids=[e.exercise_id for e in exercises.EXERCISES])
    plan = dataclasses.replace(
        plans.get("jmo-standard"),
        session_minutes=3,
        block_minutes=1,
        warm_up_minutes=1,
        breaks=BreakRules(offer_every_minutes=1, break_minutes=3),
    )
    pygame.init()
    try:
        pygame.display.set_mode(size)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(resolve_url(f"sqlite:///{tmp}/session.sqlite3"))
            store.ensure_demo_participant()
            app = App(ManualClock())
            flow = ProgramFlow(app, store, plan_for=lambda p: plan, seed=5)
            n = {"i": 0}

            def shoot(name: str) -> None:
                n["i"] += 1
                safe = "".join(c if c.isalnum() else "_" for c in name)[:60]
                path = out_dir / f"session_{n['i']:02d}_{safe}_{lang}_{size[0]}x{size[1]}.png"
                pygame.image.save(app.surface, path)
                saved.append(path)

            flow.show_start()
            app.run(driver=_planned_driver(app, shoot), max_frames=60_000)
            # A session cut short (as by a power cut) is offered for continuing.
            [p] = store.participants()
            flow.pick(p)
            flow.start_today()
            for k in (pygame.K_3, pygame.K_1):
                pygame.event.post(_key_event(k))
                app.step(app._collect_immediate())
            store.recover_interrupted()
            flow.show_start()
            flow.pick(p)
            app.step([])
            shoot("continue_offer")
            store.close()
    finally:
        pygame.quit()
    return saved
