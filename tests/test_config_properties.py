"""The settings file, generated: settings that load, or a ConfigError naming the file.

IT writes ``config.toml`` by hand (or copies one from another PC, in another encoding).
Whatever it holds, :func:`load_settings` gives settings of the documented types or a
:class:`ConfigError` that names the file and says what to do; never another exception.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cogtrain.config import ALLOWED, ConfigError, Settings, load_settings, read_config_file
from cogtrain.i18n import SUPPORTED_LANGUAGES
from tests.support.mutations import ODD_VALUE, invalid_utf8, mutated, to_toml

GOOD = {
    "language": "en",
    "database_url": "sqlite:////srv/cogtrain/cogtrain.sqlite3",
    "fullscreen": True,
}
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    # The file is rewritten in one folder per test; the environment is passed explicitly.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("config") / "config.toml"


def check(cfg: Path, data: bytes, mode: int = 0o600) -> None:
    cfg.write_bytes(data)
    os.chmod(cfg, mode)
    env = {"COGTRAIN_CONFIG": str(cfg)}
    try:
        s = load_settings(environ=env)
    except ConfigError as err:
        assert str(cfg) in err.message and err.hint.strip()
        assert len(err.message) < 4000
        return
    assert isinstance(s, Settings)
    assert s.language in SUPPORTED_LANGUAGES
    assert s.database_url is None or isinstance(s.database_url, str)
    assert isinstance(s.fullscreen, bool)
    assert set(read_config_file(cfg)) <= set(ALLOWED)


@SETTINGS
@given(data=st.one_of(mutated(GOOD), st.dictionaries(st.sampled_from(sorted(ALLOWED)), ODD_VALUE)))
@example(data={"language": "sv"})
@example(data={"database_url": "postgresql+psycopg://kari:hemmelig@db/cogtrain"})
def test_a_mutated_settings_file_loads_or_is_refused(cfg: Path, data: dict) -> None:
    check(cfg, to_toml(data).encode("utf-8"))


@SETTINGS
@given(data=st.one_of(invalid_utf8(to_toml(GOOD)), st.binary(max_size=200)))
@example(data=b'language = "nb"\nfullscreen = ' + b"1" * 5000)  # once a bare ValueError
@example(data=b'language = "bokm\xe5l"\n')  # Latin-1 from an old editor: once a traceback
def test_a_settings_file_of_any_bytes_is_refused_or_loads(cfg: Path, data: bytes) -> None:
    check(cfg, data)


def test_a_password_in_a_file_others_can_read_is_refused(cfg: Path) -> None:
    data = to_toml({"database_url": "postgresql+psycopg://kari:hemmelig@db/cogtrain"})
    cfg.write_text(data, encoding="utf-8")
    os.chmod(cfg, 0o644)
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"COGTRAIN_CONFIG": str(cfg)})
    assert "chmod 600" in caught.value.hint and "hemmelig" not in str(caught.value)
