"""What comes after what on the participant's side.

A planned session (the program's normal mode)::

    start → [continue where you stopped?] → home (hours so far, next session)
          → check-in → for each planned block:
                instructions → practice (first time the exercise comes up today)
                → block → end of block → what helped → where at work
                → [a break, when the plan offers one]
          → end of session (time today, in all, what went well)

A single-exercise session (``exercise_id=...``: screenshots, exercise tests) runs one
exercise round after round until the participant ends it.

The flow builds each screen with the data it needs and decides the next one. Screens
call back into the flow; the flow calls the controller, which calls the store. What is
left of a session is always recomputed from the stored blocks
(:func:`cogtrain.training.resume.blocks_to_do`), so a continued session and a normal one
take exactly the same path.

On a PC that trains against the clinic's shared server (PostgreSQL) the flow is given
the PC's :class:`~cogtrain.storage.journal.TrainingJournal` as its store: the training
screens read and write there and never wait for the network, while the staff side (log
in, PINs, the staff screens) works on the server's own store. When the server cannot be
reached, a participant who has trained on this PC before still logs in and trains on
the journal's copy of their records; staff are told calmly what is waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

import exercises
from cogtrain import i18n
from cogtrain.errors import CogtrainError
from cogtrain.i18n import Msg, _, data, number, weekday_date
from cogtrain.runtime.app import App
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.scene import Scene
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.scenes.block_end import BlockEndScene
from cogtrain.runtime.scenes.breaks import BreakScene
from cogtrain.runtime.scenes.checkin import rested_scene, stressed_scene
from cogtrain.runtime.scenes.instructions import InstructionsScene
from cogtrain.runtime.scenes.message import MessageScene
from cogtrain.runtime.scenes.pause import PauseScene
from cogtrain.runtime.scenes.reflection import StrategyScene, TransferScene
from cogtrain.runtime.scenes.start import ParticipantLoginScene, StartScene
from cogtrain.runtime.scenes.waiting import WaitingScene
from cogtrain.runtime.training_controller import BlockResult, TrainingController
from cogtrain.runtime.widgets import Button
from cogtrain.staff.desk import LoginFailed, StaffDesk
from cogtrain.storage.engine import DatabaseUnreachableError, StorageError
from cogtrain.storage.journal import TrainingJournal
from cogtrain.storage.store import DEMO_PARTICIPANT_CODE, ParticipantInfo, Store
from cogtrain.training.attendance import SessionDone, next_planned_session
from cogtrain.training.block import BlockConfig
from cogtrain.training.checkin import CheckIn
from cogtrain.training.composition import SessionPlan, catalogue_of, compose_session
from cogtrain.training.exercise import ExerciseInfo
from cogtrain.training.history import participant_history
from cogtrain.training.plans import (
    PlanError,
    ProfileSet,
    TrainingPlan,
    load_profiles,
    with_overrides,
)
from cogtrain.training.progress import TARGET_HOURS
from cogtrain.training.reflection import STRATEGIES, Reflection
from cogtrain.training.resume import BlockToDo, blocks_to_do, plan_from_json, plan_to_json
from cogtrain.training.session_summary import ScoredBlock, went_well

log = logging.getLogger(__name__)

PREPARE_AT_ONCE_S = 0.25
"""How long picking a participant may hold the loop for the server's copy of their
records before the "one moment" screen shows (it usually answers well within this)."""
EXAMPLE_SEED = 20261124  # instruction pictures are the same every time
FALLBACK_PROFILE = "jmo-standard"
MANY_TRIALS = 100_000  # planned blocks end on time, not on a trial count
NOTE_SHOWN_CHARS = 90  # the participant's note on the end screen: one or two lines


@dataclass
class _Today:
    """The session being trained: its plan and the block on screen."""

    plan: SessionPlan | None  # None in single-exercise mode
    info: ExerciseInfo
    todo: BlockToDo | None = None


def _local_midnight(now: datetime | None = None) -> datetime:
    now = now or datetime.now().astimezone()
    return datetime.combine(now.date(), time.min).astimezone()


class ProgramFlow:
    """Drives the participant screens for one program run."""

    def __init__(
        self,
        app: App,
        store: Store | TrainingJournal,
        *,
        server: Store | None = None,
        connect_server: Callable[[], Store] | None = None,
        exercise_id: str | None = None,
        block_config: BlockConfig | None = None,
        profiles: ProfileSet | None = None,
        plan_for: Callable[[ParticipantInfo], TrainingPlan] | None = None,
        seed: int | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.app = app
        self.store = store
        """Where training reads and writes: the database, or this PC's journal."""
        self.journal = store if isinstance(store, TrainingJournal) else None
        self._server = server if self.journal is not None else store
        self._connect_server = connect_server
        self.single = exercises.get(exercise_id) if exercise_id is not None else None
        self.block_config = block_config or BlockConfig()
        self._profiles = profiles
        self._plan_for = plan_for
        self._seed = seed
        self._today = today
        self.controller: TrainingController | None = None
        self.participant: ParticipantInfo | None = None
        self.current: _Today | None = None
        self._checkin_rested: int | None = None
        self._instruction_ms = 0.0
        self._desk: StaffDesk | None = None
        self._program_language = i18n.current_language()
        self.app.error_handler = self.show_error

    # -- plans ------------------------------------------------------------------------

    @property
    def profiles(self) -> ProfileSet:
        if self._profiles is None:
            self._profiles = load_profiles(
                known_exercise_ids=[e.exercise_id for e in exercises.EXERCISES]
            )
        return self._profiles

    def plan_of(self, participant: ParticipantInfo) -> TrainingPlan:
        """The participant's plan with their overrides; a profile that is missing or bad
        falls back to the JMO standard, so a participant is never kept from training."""
        if self._plan_for is not None:
            return self._plan_for(participant)
        known = [e.exercise_id for e in exercises.EXERCISES]
        try:
            plan = self.profiles.get(participant.plan_profile)
        except PlanError:
            plan = self.profiles.get(FALLBACK_PROFILE)
        try:
            return with_overrides(
                plan,
                participant.plan_overrides,
                source=f"overrides of {participant.code}",
                known_exercise_ids=known,
            )
        except PlanError:
            return plan  # staff see the error on their side; the participant trains the profile

    # -- start, continue, home --------------------------------------------------------

    @property
    def staff_store(self) -> Store:
        """The records the staff side works on: the database, or the clinic's server.

        Raises :class:`DatabaseUnreachableError` when the server could not be reached at
        start and still cannot (it is tried again each time it is needed)."""
        if self._server is None:
            if self._connect_server is None:
                raise DatabaseUnreachableError(
                    "The clinic's server cannot be reached.",
                    hint="Check the network and the server, then try again.",
                )
            self._server = self._connect_server()
        return self._server

    @property
    def desk(self) -> StaffDesk:
        """The staff side (log in, PINs, the staff screens) on :attr:`staff_store`."""
        if self._desk is None:
            self._desk = StaffDesk.with_exercises(self.staff_store, profiles=self.profiles)
        return self._desk

    def _offline_desk(self) -> StaffDesk | None:
        """Participant log-in on this PC's journal, for when the server is away: it holds
        the participant and PIN of everyone who has trained on this PC."""
        if self.journal is None:
            return None
        return StaffDesk.with_exercises(
            self.journal.local,
            profiles=self.profiles,
            records=self.journal.offline_staff_records(),
        )

    def _server_reachable(self) -> bool:
        try:
            self.desk  # noqa: B018 (connects when it has to)
        except DatabaseUnreachableError:
            return False
        return True

    def show_start(self, notice: Msg | None = None) -> None:
        """The start screen: the demo before the staff side is set up, else code and PIN."""
        if i18n.current_language() != self._program_language:
            i18n.set_language(self._program_language)
        online = self._server_reachable()
        # Offline, this is a PC that has trained before (the program refuses to start on
        # one that has not): it is set up, and the demo is not offered.
        set_up = not online or not self.desk.needs_first_admin()
        demo = None
        if not set_up:
            demo = next(
                (p for p in self.staff_store.participants() if p.code == DEMO_PARTICIPANT_CODE),
                None,
            )
        self.app.reset_to(
            StartScene(
                on_quit_program=self.app.quit,
                on_staff=self.show_staff,
                on_demo=(lambda: self.pick(demo)) if demo is not None else None,
                on_my_training=self.show_participant_login if set_up else None,
                set_up=set_up,
                notice=notice,
            )
        )

    def show_participant_login(self) -> None:
        def login(code: str, pin: str) -> Msg | None:
            try:
                try:
                    participant = self.desk.participant_login(code, pin)
                except DatabaseUnreachableError:
                    offline = self._offline_desk()
                    if offline is None:
                        raise
                    # The PIN is checked against this PC's copy; the log-in is audited
                    # there and journaled, so the server's log gets it when it is back.
                    participant = offline.participant_login(code, pin)
            except LoginFailed as exc:
                return data(exc.message)
            self.pick(participant)
            return None

        self.app.reset_to(ParticipantLoginScene(login, self.show_start))

    def show_staff(self) -> None:
        from cogtrain.runtime.staff.nav import StaffNav

        try:
            desk = self.desk
        except DatabaseUnreachableError as exc:
            # Said on the start screen, calmly: staff pressed the button, and training
            # on this PC is not affected.
            self.show_start(
                notice=_(
                    "The staff screens need the clinic's server, which cannot be reached "
                    "right now ({reason}). Training on this PC goes on as usual."
                ).format(reason=data(exc.message))
            )
            return
        StaffNav(
            self.app,
            desk,
            on_start_training=self.pick,
            on_exit=self.show_start,
            sync_status=self.journal.status if self.journal is not None else None,
        ).start()

    def pick(self, participant: ParticipantInfo) -> None:
        # The participant's own language (set by their consultant) for their screens;
        # the start screen goes back to the program's language.
        if participant.language in i18n.SUPPORTED_LANGUAGES:
            i18n.set_language(participant.language)  # type: ignore[arg-type]
        if self.journal is None:
            self._begin(participant)
            return
        # The participant's newest records from the server (when it answers), so levels
        # and hours are right whichever PC they trained on last; if it cannot, training
        # goes on with what this PC already has. That can wait on the network (sending
        # what is waiting, a connect timeout), so it runs beside the loop, and a calm
        # "one moment" screen shows if it takes longer than a blink.
        journal = self.journal
        done = threading.Event()

        def prepare() -> None:
            try:
                journal.prepare_participant(participant.id)
            except StorageError:
                pass
            except Exception:  # never leave the participant waiting on a screen
                log.exception("preparing the participant's records failed")
            finally:
                done.set()

        threading.Thread(target=prepare, name="cogtrain-prepare", daemon=True).start()
        if done.wait(PREPARE_AT_ONCE_S):
            self._begin(participant)
            return
        self.app.replace(
            WaitingScene(
                _("One moment"),
                [_("Getting your training ready …")],
                ready=done.is_set,
                on_ready=lambda: self._begin(participant),
            )
        )

    def _begin(self, participant: ParticipantInfo) -> None:
        self.participant = participant
        self.controller = TrainingController(self.store, participant)
        if self.single is not None:
            # The level is read before the session starts, so a damaged level state stops
            # here with a message instead of half-way into a block.
            self.controller.current_state(self.single.rules)
            self.controller.start_session()
            self._watch_close()
            self.current = _Today(None, self.single)
            self.app.replace(rested_scene(self._rested, self.make_pause))
            return
        found = self.store.resumable_session(participant.id, since=_local_midnight())
        if found is not None:
            plan = plan_from_json(found.plan)
            if blocks_to_do(plan, found.blocks):
                self.app.replace(
                    MessageScene(
                        _("Welcome back"),
                        [
                            _("Last time the session stopped before it was finished."),
                            _("You can go on where you stopped. What you did is saved."),
                        ],
                        [
                            Button(_("Go on where I stopped"), lambda: self.resume(found)),
                            Button(_("Start from the beginning"), self.home, primary=False),
                        ],
                    )
                )
                return
        self.home()

    def home(self) -> None:
        """Hours so far and the next planned session, framed as what was done."""
        assert self.participant is not None and self.controller is not None
        plan = self.plan_of(self.participant)
        t = self.controller.time_trained(target_hours=plan.total_hours)
        lines: list[Msg] = [
            _("You have trained {hours} of {target} hours.").format(
                hours=number(t.total_hours, decimals=1), target=number(t.target_hours)
            ),
            _("Today: about {minutes} minutes, with breaks when you want them.").format(
                minutes=number(plan.session_minutes)
            ),
        ]
        upcoming = self._next_session_after_today(plan)
        if upcoming is not None:
            lines.append(
                _("Your next planned session after today: {day}.").format(
                    day=weekday_date(upcoming)
                )
            )
        self.app.reset_to(
            MessageScene(
                _("Hello!"),
                lines,
                [
                    Button(_("Start today's training"), self.start_today),
                    Button(_("Back"), self.show_start, primary=False),
                ],
            )
        )

    def _next_session_after_today(self, plan: TrainingPlan) -> date | None:
        assert self.participant is not None
        days = self.store.session_days(self.participant.id)
        today = self._today()
        start = days[0][0].astimezone().date() if days else today
        done = [SessionDone(t.astimezone().date(), ms) for t, ms in days]
        return next_planned_session(
            plan.training_days,
            min(start, today),
            done,
            today + timedelta(days=1),
            target_hours=plan.total_hours,
        )

    def start_today(self) -> None:
        assert self.controller is not None
        self.controller.start_session()
        self._watch_close()
        self.app.replace(rested_scene(self._rested, self.make_pause))

    def resume(self, found) -> None:  # type: ignore[no-untyped-def]
        """Continue an interrupted session with the blocks it has left."""
        assert self.controller is not None
        self.store.reopen_session(found.session_id)
        self.controller.session_id = found.session_id
        self._watch_close()
        self.current = None
        self.next_block(plan_from_json(found.plan))

    def _rested(self, value: int | None) -> None:
        self._checkin_rested = value
        self.app.replace(stressed_scene(self._stressed, self.make_pause))

    def _stressed(self, value: int | None) -> None:
        assert self.controller is not None and self.participant is not None
        checkin = CheckIn(self._checkin_rested, value)
        self.controller.save_checkin(checkin)
        if self.single is not None:
            self.instructions()
            return
        plan = self._compose(checkin)
        assert self.controller.session_id is not None
        self.store.set_session_plan(self.controller.session_id, plan_to_json(plan))
        self.next_block(plan)

    def _compose(self, checkin: CheckIn) -> SessionPlan:
        assert self.participant is not None
        plan = self.plan_of(self.participant)
        catalogue = catalogue_of(exercises.EXERCISES)
        today = self._today()
        monday = datetime.combine(today - timedelta(days=today.weekday()), time.min)
        facts = self.store.training_facts(self.participant.id, week_start=monday.astimezone())
        history = participant_history(facts, catalogue)
        seed = self._seed if self._seed is not None else int(np.random.SeedSequence().entropy)
        return compose_session(
            plan,
            catalogue,
            history,
            checkin,
            np.random.default_rng(seed % 2**63),
        )

    # -- the blocks of a planned session ----------------------------------------------

    def next_block(self, plan: SessionPlan) -> None:
        """Start the first planned block that is not done yet, or end the session."""
        assert self.controller is not None and self.controller.session_id is not None
        done = self.store.blocks_done(self.controller.session_id)
        todo = blocks_to_do(plan, done)
        if not todo:
            self.finish()
            return
        step = todo[0]
        self.current = _Today(plan, exercises.get(step.block.exercise_id), step)
        self.instructions()

    def _config(self) -> BlockConfig:
        cur = self.current
        if cur is None or cur.todo is None:
            return self.block_config
        return BlockConfig(
            max_trials=MANY_TRIALS,
            max_active_ms=cur.todo.target_ms,
            practice_trials=self.block_config.practice_trials,
            show_trial_count=False,
        )

    def _plan_index(self) -> int | None:
        cur = self.current
        return cur.todo.plan_index if cur is not None and cur.todo is not None else None

    def instructions(self) -> None:
        assert self.current is not None and self.controller is not None
        info = self.current.info
        rules = info.rules
        level = int(self.controller.current_state(rules).value)
        level = max(rules.min_level, min(rules.max_level, level))
        example = rules.new_trial(level, np.random.default_rng(EXAMPLE_SEED), ())
        cur = self.current
        needs_practice = cur.todo is None or not cur.todo.practised
        next_step = self.practice if needs_practice else self.block

        def done() -> None:
            self._instruction_ms = scene.active_ms(self.app.clock.now_ns())
            next_step()

        scene = InstructionsScene(
            _(info.title),
            [_(p) for p in info.instructions],
            self._view(),
            example,
            on_done=done,
            make_pause=self.make_pause,
            done_label=None if needs_practice else _("Start"),
        )
        self.app.replace(scene)

    def _view(self) -> ExerciseView:
        assert self.current is not None
        return exercises.load_view_class(self.current.info)()

    def practice(self) -> None:
        self.app.replace(self._block_scene(practice=True, on_done=self.after_practice))

    def after_practice(self, result: BlockResult) -> None:
        self.app.replace(
            MessageScene(
                _("The practice round is done"),
                [
                    _("Now the training starts. The tasks adjust to you as you go."),
                    _("Press Esc at any time to take a pause."),
                ],
                [Button(_("Start"), self.block)],
            )
        )

    def block(self) -> None:
        self.app.replace(self._block_scene(practice=False, on_done=self.block_end))

    def _block_scene(self, *, practice: bool, on_done) -> BlockScene:  # type: ignore[no-untyped-def]
        assert self.controller is not None and self.current is not None
        return BlockScene(
            self.controller,
            self.current.info,
            self._view(),
            self._config(),
            practice=practice,
            on_done=on_done,
            make_pause=self.make_pause,
            plan_index=self._plan_index(),
            instruction_ms=self._take_instruction_ms(),
        )

    def _take_instruction_ms(self) -> float:
        """The instruction time just read, given to the next block once."""
        ms, self._instruction_ms = self._instruction_ms, 0.0
        return ms

    def block_end(self, result: BlockResult) -> None:
        self.app.replace(BlockEndScene(result, on_next=lambda: self.ask_strategies(result)))

    def ask_strategies(self, result: BlockResult) -> None:
        self.app.replace(
            StrategyScene(
                on_next=lambda chosen: self.ask_transfer(result, chosen), make_pause=self.make_pause
            )
        )

    def ask_transfer(self, result: BlockResult, chosen: tuple[str, ...]) -> None:
        def save_then(next_step: Callable[[], None]) -> Callable[[str], None]:
            def go(note: str) -> None:
                assert self.controller is not None
                self.controller.save_reflection(result.row.id, Reflection.make(chosen, note))
                next_step()

            return go

        planned = self.current is not None and self.current.plan is not None
        self.app.replace(
            TransferScene(
                on_again=save_then(self.after_block if planned else self.block),
                on_finish=save_then(self.finish),
                make_pause=self.make_pause,
                again_label=_("Go on") if planned else None,
            )
        )

    def after_block(self) -> None:
        """Offer the plan's break after this block, then go on with the next one."""
        cur = self.current
        assert cur is not None and cur.plan is not None and cur.todo is not None
        plan = cur.plan
        assert self.controller is not None and self.controller.session_id is not None
        left = blocks_to_do(plan, self.store.blocks_done(self.controller.session_id))
        if cur.todo.block.break_after and left:
            self.app.replace(
                MessageScene(
                    _("Time for a break"),
                    [
                        _("You have trained well. Stand up, stretch, drink some water."),
                        _("A break of about {n} minutes does not count as training time.").format(
                            n=number(plan.break_minutes)
                        ),
                    ],
                    [
                        Button(_("Take a break"), lambda: self.take_break(plan)),
                        Button(
                            _("Go on without a break"), lambda: self.next_block(plan), primary=False
                        ),
                    ],
                )
            )
            return
        self.next_block(plan)

    def take_break(self, plan: SessionPlan) -> None:
        def done(break_ms: float) -> None:
            assert self.controller is not None and self.controller.session_id is not None
            self.store.add_break(self.controller.session_id, break_ms)
            self.next_block(plan)

        self.app.replace(BreakScene(plan.break_minutes, on_done=done))

    # -- pausing and ending -----------------------------------------------------------

    def make_pause(self) -> Scene:
        return PauseScene(on_resume=self.app.resume, on_end_session=self.end_from_pause)

    def end_from_pause(self) -> None:
        self.app.pop()  # the pause screen
        scene = self.app.top
        if isinstance(scene, BlockScene):
            scene.end_early(self.app.clock.now_ns())
        self.finish()

    def finish(self) -> None:
        """End the session: time today, time in all, and what went well."""
        assert self.controller is not None
        session_id = self.controller.session_id
        self.controller.end_session("finished")
        self._forget_close_hook()
        target = (
            self.plan_of(self.participant).total_hours
            if self.single is None and self.participant is not None
            else TARGET_HOURS
        )
        t = self.controller.time_trained(target_hours=target)
        lines: list[Msg] = [
            _("You trained {minutes} minutes today.").format(minutes=number(t.today_minutes)),
            _("In all you have trained {hours} of {target} hours.").format(
                hours=number(t.total_hours, decimals=1), target=number(t.target_hours)
            ),
        ]
        if session_id is not None:
            lines.extend(self._went_well_lines(session_id))
        self.app.reset_to(
            MessageScene(
                _("The session is finished. Thank you for today!"),
                lines,
                [Button(_("Back to the start"), self.show_start)],
                muted_from=2,
            )
        )
        self.controller = None
        self.current = None

    def _went_well_lines(self, session_id) -> list[Msg]:  # type: ignore[no-untyped-def]
        rows = [b for b in self.store.blocks_of_session(session_id) if not b.is_practice]
        scored = [
            ScoredBlock(
                b.exercise_id,
                b.start_level,
                b.end_level or b.start_level,
                b.n_trials or 0,
                b.n_correct or 0,
            )
            for b in rows
        ]
        lines: list[Msg] = []
        best = went_well(scored)
        if best is not None:
            title = _(exercises.get(best.exercise_id).title)
            if best.stepped_up:
                lines.append(
                    _("Went well today: {exercise}, from level {a} to level {b}.").format(
                        exercise=title, a=number(best.from_level), b=number(best.to_level)
                    )
                )
            else:
                lines.append(_("Went well today: {exercise}.").format(exercise=title))
        helped: list[str] = []
        notes: list[str] = []
        for b in rows:
            r = self.store.reflection_of(b.id)
            if r is not None:
                helped.extend(x for x in r.strategies if x not in helped)
                if r.transfer_note:
                    notes.append(r.transfer_note)
        if helped:
            labels = dict(STRATEGIES)
            lines.append(
                _("What helped you: {list}.").format(
                    list=data(", ".join(_(labels[x]) for x in helped))
                )
            )
        if notes:  # the participant's own words, the latest, kept to one or two lines
            note = notes[-1]
            if len(note) > NOTE_SHOWN_CHARS:  # cut at a word, so no word is broken
                note = note[:NOTE_SHOWN_CHARS].rsplit(" ", 1)[0].rstrip(" ,.;:") + " …"
            lines.append(_("About work, you wrote: “{note}”").format(note=data(note)))
        return lines

    def show_error(self, exc: CogtrainError) -> None:
        """A calm screen for a problem staff must solve; what was saved stays saved."""
        self._forget_close_hook()
        self.controller = None
        paragraphs = [
            _("Something stopped the training. What you did is saved."),
            _("Please ask your work consultant for help and show them this:"),
            data(exc.message),
        ]
        if exc.hint:
            paragraphs.append(data(exc.hint))
        self.app.reset_to(
            MessageScene(
                _("The training cannot go on right now"),
                paragraphs,
                [Button(_("Close cogtrain"), self.app.quit)],
                muted_from=2,
            )
        )

    # -- closing ----------------------------------------------------------------------

    def _watch_close(self) -> None:
        if self._window_closed not in self.app.quit_hooks:
            self.app.quit_hooks.append(self._window_closed)

    def _window_closed(self) -> None:
        if self.controller is not None:
            self.controller.end_session("window_closed")

    def _forget_close_hook(self) -> None:
        if self._window_closed in self.app.quit_hooks:
            self.app.quit_hooks.remove(self._window_closed)
