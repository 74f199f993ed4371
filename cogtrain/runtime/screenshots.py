"""Render every participant screen to PNG, through the real flow, in a throw-away database.

Used by ``cogtrain screenshot --out DIR --size WxH`` (see tools/screenshots.sh) so that
each screen can be looked at in both languages and at every supported size.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pygame

from cogtrain import i18n
from cogtrain.errors import CogtrainError
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
    for _ in range(limit):
        if cond():
            return
        app.step([])
        app.clock.advance_ms(1000 / app.fps)  # type: ignore[attr-defined]
    raise RuntimeError("screen did not reach the expected state")


def _runner(app: App):  # type: ignore[no-untyped-def]
    scenes = [s for s in app.stack if isinstance(s, BlockScene)]
    return scenes[-1].runner if scenes else None


def _answer(app: App, correct: bool) -> None:
    runner = _runner(app)
    _advance_until(app, lambda: _runner(app) is not None and _runner(app).accepting_input)
    runner = _runner(app)
    digit = runner.spec.correct_digit if correct else (runner.spec.correct_digit % 3) + 1
    pygame.event.post(_key_event(getattr(pygame, f"K_{digit}")))
    app.step(app._collect_immediate())


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


def render_all(out_dir: Path, size: tuple[int, int]) -> list[Path]:
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
            flow = ProgramFlow(app, store)

            def shot(name: str) -> None:
                app.step([])
                path = out_dir / f"{name}_{lang}_{size[0]}x{size[1]}.png"
                pygame.image.save(app.surface, path)
                saved.append(path)

            flow.show_start()
            shot("01_start")
            flow.pick(store.participants()[0])
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
            flow.finish()
            shot("10_session_end")
            flow.show_error(
                CogtrainError(
                    "The disk holding the database is full.",
                    hint="Free some space on the disk and start again.",
                )
            )
            shot("11_error")
            store.close()
    finally:
        pygame.quit()
    return saved
