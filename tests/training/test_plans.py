"""Training-plan profiles: the shipped files, defaults, every refusal, folders, overrides."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import exercises
from cogtrain.errors import CogtrainError
from cogtrain.training.exercise import Domain
from cogtrain.training.plans import (
    PROFILES_DIR,
    PlanError,
    TrainingPlan,
    apply_overrides,
    load_overrides,
    load_profile,
    load_profiles,
    parse_overrides,
    parse_plan,
    plan_to_dict,
    with_overrides,
)

KNOWN = ("symbol_coding", "match_fast", "go_stop", "order_list", "tower_planner")
NAME = '[name]\nnb = "Prøve"\nen = "Trial"\n'


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def registry_ids() -> list[str]:
    return [e.exercise_id for e in exercises.EXERCISES]


# --- shipped profiles -----------------------------------------------------------------


def test_shipped_profiles_all_load_against_the_real_registry() -> None:
    loaded = load_profiles(PROFILES_DIR, known_exercise_ids=registry_ids())
    assert loaded.errors == ()
    assert {"jmo-standard", "short-sessions", "attention-focus"} <= set(loaded.ids)
    for plan in loaded.plans:
        assert plan.name_nb and plan.name_en and plan.description_nb and plan.description_en


def test_jmo_standard_is_the_jmo_programme() -> None:
    plan = load_profile(PROFILES_DIR / "jmo-standard.toml", registry_ids())
    assert plan.profile_id == "jmo-standard"
    assert plan.total_hours == 40
    assert plan.sessions_per_week == 2
    assert len(plan.training_days) == 2
    assert plan.session_minutes == 60
    assert plan.planned_weeks == 20
    assert set(plan.domain_order) == set(Domain)
    assert all(plan.weight_share(d) == pytest.approx(0.25) for d in Domain)
    assert plan.warm_up == "symbol_coding"
    assert plan.hard_day.block_minutes < plan.block_minutes
    assert plan.hard_day.offer_break_every_minutes < plan.breaks.offer_every_minutes
    assert plan.name("nb") == "JMO standard"


def test_short_sessions_and_attention_focus() -> None:
    short = load_profile(PROFILES_DIR / "short-sessions.toml", registry_ids())
    assert short.session_minutes == 30
    assert short.name("en") == "Short sessions" and short.name("nb") == "Korte økter"
    focus = load_profile(PROFILES_DIR / "attention-focus.toml", registry_ids())
    assert focus.weight_share(Domain.ATTENTION) == pytest.approx(0.4)
    assert focus.weight_share(Domain.MEMORY) == pytest.approx(0.2)
    assert focus.total_hours == 40 and focus.sessions_per_week == 2


# --- defaults and derived values --------------------------------------------------------


def test_a_profile_with_only_a_name_gets_the_jmo_defaults(tmp_path: Path) -> None:
    plan = load_profile(write(tmp_path, NAME, "minimal.toml"), KNOWN)
    assert plan.profile_id == "minimal"
    assert (plan.total_hours, plan.sessions_per_week, plan.session_minutes) == (40, 2, 60)
    assert plan.training_days == (1, 4)  # Monday and Thursday
    assert plan.block_minutes == 10 and plan.warm_up_minutes == 5
    assert plan.warm_up is None
    assert plan.domain_order == tuple(Domain)
    assert plan.allow_same_domain_in_a_row is False
    assert (plan.breaks.offer_every_minutes, plan.breaks.break_minutes) == (15, 3)
    assert (plan.hard_day.block_minutes, plan.hard_day.offer_break_every_minutes) == (6, 9)
    assert all(plan.weights[d] == 1 for d in Domain)
    assert plan.include == () and plan.exclude == ()
    assert plan.description("en") == ""


def test_days_give_the_session_count_and_a_count_gives_default_days(tmp_path: Path) -> None:
    plan = load_profile(write(tmp_path, 'training_days = ["Friday", "tuesday"]\n' + NAME), KNOWN)
    assert plan.sessions_per_week == 2 and plan.training_days == (2, 5)
    plan = load_profile(write(tmp_path, "sessions_per_week = 3\n" + NAME), KNOWN)
    assert plan.training_days == (1, 3, 5)


def test_a_domain_left_out_of_weights_weighs_one(tmp_path: Path) -> None:
    plan = load_profile(write(tmp_path, NAME + "[weights]\nattention = 2\n"), KNOWN)
    assert plan.weight_share(Domain.ATTENTION) == pytest.approx(0.4)


def test_include_and_exclude_decide_what_is_allowed(tmp_path: Path) -> None:
    text = 'include = ["go_stop", "order_list"]\n' + NAME
    plan = load_profile(write(tmp_path, text), KNOWN)
    assert plan.allows("go_stop") and not plan.allows("symbol_coding")
    plan = load_profile(write(tmp_path, 'exclude = ["go_stop"]\n' + NAME), KNOWN)
    assert not plan.allows("go_stop") and plan.allows("symbol_coding")


def test_plan_round_trips_through_plain_data() -> None:
    plan = load_profile(PROFILES_DIR / "attention-focus.toml", registry_ids())
    data = json.loads(json.dumps(plan_to_dict(plan)))
    again = parse_plan(
        data, source=plan.source, profile_id=plan.profile_id, known_exercise_ids=registry_ids()
    )
    assert again == plan


# --- every refusal names the file, the key and what is allowed ----------------------------

BAD_PROFILES = [
    # (TOML text, key named, words of the problem, words of what is allowed)
    (
        "sesion_minutes = 60\n" + NAME,
        "sesion_minutes",
        "did you mean 'session_minutes'",
        "keys name, description, total_hours",
    ),
    (
        NAME + "[breaks]\nevery = 10\n",
        "breaks.every",
        "unknown key 'every'",
        "keys offer_every_minutes, break_minutes",
    ),
    ("breaks = 5\n" + NAME, "breaks", "is a whole number", "a table [breaks] with keys"),
    ("total_hours = 40\n", "name", "is missing", "a table [name] with nb and en"),
    ('[name]\nnb = "Prøve"\n', "name.en", "is missing", "non-empty text"),
    ('[name]\nnb = "  "\nen = "x"\n', "name.nb", "is empty", "non-empty text"),
    (
        "total_hours = 0\n" + NAME,
        "total_hours",
        "0 is out of range",
        "a number from 1 to 200 hours",
    ),
    ("total_hours = -40\n" + NAME, "total_hours", "out of range", "a number from 1 to 200"),
    ('total_hours = "40"\n' + NAME, "total_hours", "is text", "a number from 1 to 200"),
    ("total_hours = true\n" + NAME, "total_hours", "true/false", "a number from 1 to 200"),
    ("total_hours = nan\n" + NAME, "total_hours", "not a finite number", "a number from 1 to 200"),
    (
        "sessions_per_week = 9\n" + NAME,
        "sessions_per_week",
        "9 is out of range",
        "a whole number from 1 to 7 (at most one session a day)",
    ),
    ("sessions_per_week = 0\n" + NAME, "sessions_per_week", "out of range", "from 1 to 7"),
    (
        "sessions_per_week = 2.5\n" + NAME,
        "sessions_per_week",
        "is a decimal number",
        "a whole number from 1 to 7",
    ),
    (
        'training_days = ["monday", "funday"]\n' + NAME,
        "training_days",
        "'funday' is not a weekday",
        "distinct weekdays from monday, tuesday",
    ),
    (
        'training_days = ["monday", "monday"]\n' + NAME,
        "training_days",
        "listed twice",
        "distinct weekdays",
    ),
    ("training_days = []\n" + NAME, "training_days", "is empty", "distinct weekdays"),
    ('training_days = "monday"\n' + NAME, "training_days", "not a list", "distinct weekdays"),
    (
        'sessions_per_week = 2\ntraining_days = ["monday", "wednesday", "friday"]\n' + NAME,
        "training_days",
        "names 3 day(s) but sessions_per_week is 2",
        "exactly 2 distinct weekday(s)",
    ),
    (
        "session_minutes = 5\n" + NAME,
        "session_minutes",
        "5 is out of range",
        "a whole number from 15 to 90 minutes",
    ),
    ("session_minutes = 600\n" + NAME, "session_minutes", "out of range", "from 15 to 90"),
    (
        "block_minutes = 0\n" + NAME,
        "block_minutes",
        "out of range",
        "a whole number from 3 to 30 minutes",
    ),
    ("warm_up_minutes = 20\n" + NAME, "warm_up_minutes", "out of range", "from 2 to 15"),
    (
        "session_minutes = 15\nblock_minutes = 12\n" + NAME,
        "session_minutes",
        "less than one 12-minute block",
        "at least warm_up_minutes + block_minutes = 17",
    ),
    (
        'warm_up = "juggling"\n' + NAME,
        "warm_up",
        "unknown exercise 'juggling'",
        'one of go_stop, match_fast, order_list, symbol_coding, tower_planner or "" (none)',
    ),
    ("warm_up = 3\n" + NAME, "warm_up", "is a whole number", "one of go_stop"),
    (
        'warm_up = "go_stop"\nexclude = ["go_stop"]\n' + NAME,
        "warm_up",
        "'go_stop' is left out by include/exclude",
        "an exercise the plan uses",
    ),
    (
        'warm_up = "go_stop"\ninclude = ["order_list"]\n' + NAME,
        "warm_up",
        "left out",
        "an exercise the plan uses (order_list)",
    ),
    (
        'include = ["go_stop", "nope"]\n' + NAME,
        "include",
        "unknown exercise 'nope'",
        "distinct exercise ids from go_stop, match_fast",
    ),
    (
        'exclude = ["go_stop", "go_stop"]\n' + NAME,
        "exclude",
        "listed twice",
        "distinct exercise ids",
    ),
    (
        'include = ["go_stop"]\nexclude = ["go_stop"]\n' + NAME,
        "exclude",
        "go_stop is also in include",
        "at most one of include and exclude",
    ),
    (
        'exclude = ["symbol_coding", "match_fast", "go_stop", "order_list", "tower_planner"]\n'
        + NAME,
        "exclude",
        "leaves no exercise",
        "keep at least one exercise",
    ),
    (
        NAME + '[rotation]\ndomain_order = ["attention", "memory"]\n',
        "rotation.domain_order",
        "leaves out problem_solving, processing_speed",
        "each of attention, memory, problem_solving, processing_speed exactly once",
    ),
    (
        NAME + '[rotation]\ndomain_order = ["attention", "memory", "problem_solving", "typing"]\n',
        "rotation.domain_order",
        "'typing' is not a domain",
        "exactly once",
    ),
    (
        NAME + '[rotation]\nallow_same_domain_in_a_row = "no"\n',
        "rotation.allow_same_domain_in_a_row",
        "is text",
        "true or false",
    ),
    (
        NAME + "[breaks]\noffer_every_minutes = 100\n",
        "breaks.offer_every_minutes",
        "out of range",
        "a whole number from 5 to 60 minutes",
    ),
    (
        NAME + "[breaks]\nbreak_minutes = 0\n",
        "breaks.break_minutes",
        "out of range",
        "from 1 to 15 minutes",
    ),
    (
        NAME + "[hard_day]\nblock_minutes = 10\n",
        "hard_day.block_minutes",
        "out of range",
        "from 2 to 9 minutes (shorter than block_minutes = 10)",
    ),
    (
        NAME + "[hard_day]\noffer_break_every_minutes = 15\n",
        "hard_day.offer_break_every_minutes",
        "out of range",
        "more often than breaks.offer_every_minutes = 15",
    ),
    (
        NAME + "[weights]\nattention = -1\n",
        "weights.attention",
        "-1 is out of range",
        "a number from 0 to 1000",
    ),
    (NAME + '[weights]\nmemory = "high"\n', "weights.memory", "is text", "a number from 0"),
    (
        NAME + "[weights]\nattention = 0\nmemory = 0\nproblem_solving = 0\nprocessing_speed = 0\n",
        "weights",
        "are all zero",
        "at least one above zero",
    ),
    (
        NAME + "[weights]\nattention = 4\n",
        "weights.attention",
        "gives attention 57%",
        "at most half of the total weight per domain, or "
        "rotation.allow_same_domain_in_a_row = true",
    ),
    (
        NAME + "[weights]\nspeed = 1\n",
        "weights.speed",
        "unknown key 'speed'",
        "keys attention, memory, problem_solving, processing_speed",
    ),
    ("session_minutes = \n" + NAME, "(whole file)", "is not valid TOML", "TOML syntax"),
]


@pytest.mark.parametrize(
    ("text", "key", "problem", "allowed"), BAD_PROFILES, ids=[c[1] for c in BAD_PROFILES]
)
def test_every_refusal_names_file_key_and_what_is_allowed(
    tmp_path: Path, text: str, key: str, problem: str, allowed: str
) -> None:
    path = write(tmp_path, text, "clinic-plan.toml")
    with pytest.raises(PlanError) as info:
        load_profile(path, KNOWN)
    err = info.value
    assert isinstance(err, CogtrainError)
    assert (err.source, err.key) == (str(path), key)
    assert problem in err.message
    assert allowed in err.allowed
    shown = str(err)
    assert str(path) in shown and f": {key}: " in shown and f"Allowed: {err.allowed}" in shown


def test_a_file_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(NAME.encode("latin-1"))
    with pytest.raises(PlanError, match=r"latin1\.toml: \(whole file\): is not UTF-8") as info:
        load_profile(path, KNOWN)
    assert "UTF-8 TOML file" in info.value.allowed


def test_same_domain_in_a_row_allows_a_dominant_domain(tmp_path: Path) -> None:
    text = NAME + "[rotation]\nallow_same_domain_in_a_row = true\n[weights]\nattention = 4\n"
    assert load_profile(write(tmp_path, text), KNOWN).weight_share(Domain.ATTENTION) > 0.5


# --- folders ------------------------------------------------------------------------------


def test_folder_loader_keeps_the_good_and_reports_each_bad_file(tmp_path: Path) -> None:
    write(tmp_path, NAME, "b-good.toml")
    write(tmp_path, "session_minutes = 45\n" + NAME, "a-good.toml")
    write(tmp_path, "total_hours = 0\n" + NAME, "c-zero-hours.toml")
    write(tmp_path, "this is not toml", "d-broken.toml")
    write(tmp_path, "ignored", "notes.txt")
    loaded = load_profiles(tmp_path, known_exercise_ids=KNOWN)
    assert loaded.ids == ("a-good", "b-good")
    assert loaded.get("a-good").session_minutes == 45
    assert [Path(e.source).name for e in loaded.errors] == ["c-zero-hours.toml", "d-broken.toml"]
    assert [e.key for e in loaded.errors] == ["total_hours", "(whole file)"]
    with pytest.raises(PlanError, match="one of: a-good, b-good"):
        loaded.get("c-zero-hours")


def test_a_missing_folder_is_one_error_not_a_crash(tmp_path: Path) -> None:
    loaded = load_profiles(tmp_path / "nowhere", known_exercise_ids=KNOWN)
    assert loaded.plans == ()
    assert len(loaded.errors) == 1 and "does not exist" in str(loaded.errors[0])


# --- per-participant overrides --------------------------------------------------------------


@pytest.fixture
def standard() -> TrainingPlan:
    text = (
        'warm_up = "symbol_coding"\nexclude = ["tower_planner"]\n'
        'training_days = ["monday", "thursday"]\n' + NAME
    )
    return parse_plan(
        tomllib.loads(text),
        source="profiles/std.toml",
        profile_id="std",
        known_exercise_ids=KNOWN,
    )


def test_overrides_merge_over_the_profile(standard: TrainingPlan) -> None:
    ov = parse_overrides(
        {"exclude": ["go_stop"], "session_minutes": 45}, source="P-07", known_exercise_ids=KNOWN
    )
    plan = apply_overrides(standard, ov, known_exercise_ids=KNOWN)
    assert plan.exclude == ("tower_planner", "go_stop")
    assert plan.session_minutes == 45
    assert plan.profile_id == "std" and plan.source == "P-07 over profiles/std.toml"
    assert plan.training_days == standard.training_days and plan.warm_up == "symbol_coding"
    assert standard.session_minutes == 60  # the profile itself is unchanged


def test_with_overrides_checks_and_merges_stored_overrides(standard: TrainingPlan) -> None:
    assert with_overrides(standard, None, source="P-07", known_exercise_ids=KNOWN) is standard
    assert with_overrides(standard, {}, source="P-07", known_exercise_ids=KNOWN) is standard
    plan = with_overrides(
        standard, {"session_minutes": 45}, source="P-07", known_exercise_ids=KNOWN
    )
    assert plan.session_minutes == 45 and plan.source == "P-07 over profiles/std.toml"
    with pytest.raises(PlanError, match="P-07"):
        with_overrides(
            standard, {"session_minutes": "long"}, source="P-07", known_exercise_ids=KNOWN
        )


def test_override_days_and_session_count_follow_each_other(standard: TrainingPlan) -> None:
    days = parse_overrides(
        {"training_days": ["tuesday", "wednesday", "friday"]}, source="P", known_exercise_ids=KNOWN
    )
    plan = apply_overrides(standard, days, known_exercise_ids=KNOWN)
    assert (plan.sessions_per_week, plan.training_days) == (3, (2, 3, 5))
    count = parse_overrides({"sessions_per_week": 1}, source="P", known_exercise_ids=KNOWN)
    plan = apply_overrides(standard, count, known_exercise_ids=KNOWN)
    assert (plan.sessions_per_week, plan.training_days) == (1, (1,))


def test_override_can_drop_the_warm_up(standard: TrainingPlan) -> None:
    ov = parse_overrides({"warm_up": ""}, source="P", known_exercise_ids=KNOWN)
    assert apply_overrides(standard, ov, known_exercise_ids=KNOWN).warm_up is None
    ov = parse_overrides({"warm_up": "go_stop"}, source="P", known_exercise_ids=KNOWN)
    assert apply_overrides(standard, ov, known_exercise_ids=KNOWN).warm_up == "go_stop"


BAD_OVERRIDES = [
    (
        {"weights": {"attention": 2}},
        "weights",
        "unknown key 'weights'",
        "keys session_minutes, sessions_per_week, training_days, exclude, warm_up",
    ),
    ({"session_minutes": 10}, "session_minutes", "out of range", "from 15 to 90 minutes"),
    ({"session_minutes": "45"}, "session_minutes", "is text", "from 15 to 90"),
    ({"exclude": ["nope"]}, "exclude", "unknown exercise 'nope'", "distinct exercise ids"),
    ({"warm_up": "nope"}, "warm_up", "unknown exercise", 'or "" (none)'),
    (
        {"training_days": ["monday"], "sessions_per_week": 2},
        "training_days",
        "names 1 day(s) but sessions_per_week is 2",
        "exactly 2 distinct weekday(s)",
    ),
]


@pytest.mark.parametrize(("data", "key", "problem", "allowed"), BAD_OVERRIDES)
def test_bad_overrides_are_refused_by_name(
    data: dict[str, object], key: str, problem: str, allowed: str
) -> None:
    with pytest.raises(PlanError) as info:
        parse_overrides(data, source="participants/P-07.toml", known_exercise_ids=KNOWN)
    err = info.value
    assert (err.source, err.key) == ("participants/P-07.toml", key)
    assert problem in err.message and allowed in err.allowed
    assert str(err).startswith(f"participants/P-07.toml: {key}: ")


def test_overrides_that_do_not_fit_the_profile_name_both(
    standard: TrainingPlan, tmp_path: Path
) -> None:
    path = write(tmp_path, 'exclude = ["symbol_coding"]\n', "P-07.toml")
    ov = load_overrides(path, KNOWN)
    with pytest.raises(PlanError) as info:
        apply_overrides(standard, ov, known_exercise_ids=KNOWN)
    err = info.value
    assert err.source == f"{path} over profiles/std.toml" and err.key == "warm_up"
    assert "'symbol_coding' is left out" in err.message
    assert '"" (none)' in err.allowed

    strict = parse_plan(
        {"name": {"nb": "a", "en": "b"}, "block_minutes": 20},
        source="profiles/long-blocks.toml",
        profile_id="long-blocks",
        known_exercise_ids=KNOWN,
    )
    ov = parse_overrides({"session_minutes": 20}, source="P-08", known_exercise_ids=KNOWN)
    with pytest.raises(PlanError) as info:
        apply_overrides(strict, ov, known_exercise_ids=KNOWN)
    assert info.value.key == "session_minutes"
    assert "P-08 over profiles/long-blocks.toml" in str(info.value)
    assert "at least warm_up_minutes + block_minutes = 25" in info.value.allowed


def test_override_cannot_exclude_everything_a_profile_includes() -> None:
    plan = parse_plan(
        {"name": {"nb": "a", "en": "b"}, "include": ["go_stop", "order_list"]},
        source="profiles/two.toml",
        profile_id="two",
        known_exercise_ids=KNOWN,
    )
    ov = parse_overrides({"exclude": ["order_list"]}, source="P", known_exercise_ids=KNOWN)
    assert apply_overrides(plan, ov, known_exercise_ids=KNOWN).include == ("go_stop",)
    ov = parse_overrides(
        {"exclude": ["go_stop", "order_list"]}, source="P", known_exercise_ids=KNOWN
    )
    with pytest.raises(PlanError, match="removes every exercise the profile includes") as info:
        apply_overrides(plan, ov, known_exercise_ids=KNOWN)
    assert info.value.key == "exclude" and "go_stop, order_list" in info.value.allowed
