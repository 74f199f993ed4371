"""Settings: command line over environment over the config file over defaults.

The config file is TOML at ``platformdirs.user_config_dir("cogtrain")/config.toml``
(read with the standard library's ``tomllib``; never ``eval``). Allowed keys:

``language``      ``"nb"`` (default) or ``"en"``
``database_url``  any SQLAlchemy URL; default: SQLite in the user data folder
``fullscreen``    ``true`` / ``false`` (default false)

A wrong file is refused with a message naming the file, the key and what is allowed.

``cogtrain db use URL`` writes ``database_url`` into it (:func:`save_setting`): the
file is created, or replaced as a whole, with owner-only permissions (0600) before any
byte is written, so a password in the URL is never readable by others even for a
moment. Other settings in the file are kept. A ``database_url`` holding a password is
refused while the file can be read by other users of the PC (group or world bits set):
a clinic PC is shared, and that password opens every participant's records on the
server. Refusing rather than warning because a warning in a log nobody reads leaves the
password exposed, while the refusal names the one command that fixes it (``chmod 600``)
and changes nothing. Put the password in a ``~/.pgpass`` file instead to keep it out of
the URL altogether.
"""

from __future__ import annotations

import os
import tomllib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from cogtrain.errors import CogtrainError
from cogtrain.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

ENV_CONFIG = "COGTRAIN_CONFIG"
ENV_LANG = "COGTRAIN_LANG"

ALLOWED: dict[str, type] = {"language": str, "database_url": str, "fullscreen": bool}


class ConfigError(CogtrainError):
    pass


@dataclass(frozen=True)
class Settings:
    language: str = DEFAULT_LANGUAGE
    database_url: str | None = None
    fullscreen: bool = False


def config_path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG])
    return Path(platformdirs.user_config_dir("cogtrain", appauthor=False)) / "config.toml"


def read_config_file(path: Path) -> dict[str, Any]:
    """Read and check the config file; a missing file is an empty config."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"The settings file {path} is not valid TOML: {exc}.",
            hint="Fix the line named above, or remove the file.",
        ) from exc
    except UnicodeDecodeError as exc:  # tomllib decodes the bytes itself, strictly
        raise ConfigError(
            f"The settings file {path} is not UTF-8 text (byte {exc.start + 1} cannot be read).",
            hint="Save it again as UTF-8 in a plain-text editor, or remove the file.",
        ) from exc
    except ValueError as exc:  # Python's limit on int digits, let through by tomllib
        raise ConfigError(
            f"The settings file {path} has a number with thousands of digits.",
            hint=f"Allowed keys: {', '.join(sorted(ALLOWED))}; none of them is a number.",
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"The settings file {path} cannot be read ({exc.strerror}).",
            hint="Check its permissions.",
        ) from exc
    for key, value in raw.items():
        if key not in ALLOWED:
            raise ConfigError(
                f"The settings file {path} has an unknown key {key!r}.",
                hint=f"Allowed keys: {', '.join(sorted(ALLOWED))}.",
            )
        if not isinstance(value, ALLOWED[key]):
            raise ConfigError(
                f"In {path}, {key!r} must be {ALLOWED[key].__name__}, not {type(value).__name__}.",
                hint=f"For example: {key} = {_example(key)}",
            )
    if "database_url" in raw:
        _check_private(path, raw["database_url"])
    if "language" in raw and raw["language"] not in SUPPORTED_LANGUAGES:
        raise ConfigError(
            f"In {path}, language {raw['language']!r} is not supported.",
            hint=f"Use one of: {', '.join(SUPPORTED_LANGUAGES)}.",
        )
    return raw


def url_has_password(raw_url: str) -> bool:
    """Whether a database URL carries a password (in its user part or its query)."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(raw_url)
    except Exception:  # an invalid URL is reported where it is used (resolve_url)
        return ":" in raw_url.partition("@")[0].partition("://")[2]
    return bool(url.password) or "password" in url.query


def _check_private(path: Path, raw_url: str) -> None:
    """Refuse a file with a database password that others on this PC may read."""
    if os.name != "posix" or not url_has_password(raw_url):
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(
            f"The settings file {path} holds a database password, but other users of "
            f"this PC may read it (permissions {mode:04o}).",
            hint=f"Make it readable by its owner only: chmod 600 {path}",
        )


def save_setting(key: str, value: str | bool, path: Path | None = None) -> Path:
    """Set ``key`` in the settings file (creating it), keeping the other settings.

    Written to a temporary file in the same folder, created 0600, synced, then moved
    over the old file: a crash leaves the old file or the new one, never half of one.
    A file that cannot be read as settings is refused and left as it is."""
    if key not in ALLOWED or not isinstance(value, ALLOWED[key]):
        raise ConfigError(
            f"{key!r} cannot be set to {value!r}.",
            hint=f"Settings: {', '.join(sorted(ALLOWED))}.",
        )
    target = path or config_path()
    current: dict[str, Any] = {}
    if target.exists():
        try:
            current = tomllib.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError too
            raise ConfigError(
                f"The settings file {target} cannot be read, so it was not changed ({exc}).",
                hint="Fix or remove the file, then try again.",
            ) from exc
    current[key] = value
    lines = [
        "# cogtrain settings (written by `cogtrain db use`; see README)\n",
        *(f"{k} = {_toml_value(current[k])}\n" for k in sorted(current) if k in ALLOWED),
    ]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if hasattr(os, "fchmod"):  # a left-over temporary file may have had other bits
                os.fchmod(fd, 0o600)
            os.write(fd, "".join(lines).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise ConfigError(
            f"The settings file {target} could not be written ({exc.strerror or exc}).",
            hint="Check that the folder exists and that you may write to it.",
        ) from exc
    return target


def _toml_value(value: Any) -> str:
    """A TOML value for the settings cogtrain writes (strings and booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    import json

    return json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string


def _example(key: str) -> str:
    return {
        "language": '"nb"',
        "database_url": '"sqlite:////path/cogtrain.sqlite3"',
        "fullscreen": "false",
    }[key]


def load_settings(
    *,
    lang: str | None = None,
    database_url: str | None = None,
    fullscreen: bool | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    env = os.environ if environ is None else environ
    file_values = read_config_file(config_path(env))
    return Settings(
        language=lang or env.get(ENV_LANG) or file_values.get("language", DEFAULT_LANGUAGE),
        database_url=(
            database_url or env.get("COGTRAIN_DATABASE_URL") or file_values.get("database_url")
        ),
        fullscreen=fullscreen if fullscreen is not None else file_values.get("fullscreen", False),
    )
