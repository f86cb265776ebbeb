"""Settings: one file, ``cockpit.toml``, every key overridable by ``COCKPIT_<KEY>``.

Both sides read these; nothing else is shared between ``pipelines`` and ``dashboard``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

CONFIG_ENV = "COCKPIT_CONFIG"
ENV_PREFIX = "COCKPIT_"


class SettingsError(ValueError):
    """A settings file or an environment override that cannot be used."""


@dataclass(frozen=True)
class Settings:
    inbox: Path
    archive: Path
    warehouse: Path
    layers: Path
    reference: Path
    keep_versions: int = 3
    # DuckDB's memory cap for a refresh; beyond it DuckDB spills to disk beside the warehouse.
    memory_limit: str = "1GB"
    host: str = "127.0.0.1"
    port: int = 8050
    workers: int = 2
    lang: str = "zh"
    # The wall screen's playlist: seconds on each area, and how far it goes down the tree.
    wall_dwell_seconds: int = 20
    wall_streets: int = 3
    wall_communities: int = 2
    # The application database (users, sessions, kiosk tokens, audit): a SQLAlchemy URL, or
    # a path for an embedded SQLite file.
    app_db: str = "data/app.db"
    # The key that signs session cookies: COCKPIT_SECRET_KEY, else this file, created with
    # a random key (owner-only) on first use. Never in the repository.
    secret_key_file: Path = Path("data/secret.key")
    # Host names the server answers to, comma-separated; any other Host header gets 400.
    trusted_hosts: str = "127.0.0.1,localhost"
    # Cookies marked Secure: set true behind HTTPS (a reverse proxy).
    secure_cookies: bool = False
    # A session ends after this many minutes without a request.
    session_idle_minutes: int = 30
    # Failed logins before an account locks, and for how long.
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    # Login attempts one client may make (flask-limiter's notation).
    login_rate_limit: str = "10 per minute"

    def with_overrides(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


_PATH_KEYS = {"inbox", "archive", "warehouse", "layers", "reference", "secret_key_file"}
_REQUIRED_KEYS = {"inbox", "archive", "warehouse", "layers", "reference"}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


_KINDS = {int: int, "int": int, bool: bool, "bool": bool}


def _default_config_file() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    here = Path.cwd() / "cockpit.toml"
    if here.exists():
        return here
    # An installed checkout: the file beside the package.
    return Path(__file__).resolve().parent.parent / "cockpit.toml"


def _coerce(key: str, raw: object, kind: type, base: Path) -> object:
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text not in _TRUE | _FALSE:
                raise ValueError("expected true or false")
            return text in _TRUE
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError("expected a whole number")
            return int(raw)  # type: ignore[arg-type]
        if key in _PATH_KEYS:
            path = Path(str(raw)).expanduser()
            return path if path.is_absolute() else (base / path)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {key!r}: cannot use {raw!r} ({exc})") from exc


def load_settings(
    config_file: Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Read ``cockpit.toml`` and apply ``COCKPIT_<KEY>`` overrides from the environment."""
    environ = os.environ if environ is None else environ
    path = config_file or _default_config_file()
    values: dict[str, object] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: {exc}") from exc
    base = path.resolve().parent
    known = {f.name: f for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    for name in known:
        override = environ.get(ENV_PREFIX + name.upper())
        if override is not None:
            values[name] = override
    kinds = {f.name: _KINDS[f.type] for f in fields(Settings) if f.type in _KINDS}
    resolved: dict[str, object] = {}
    for name, value in values.items():
        resolved[name] = _coerce(name, value, kinds.get(name, str), base)
    for name in _REQUIRED_KEYS:
        if name not in resolved:
            raise SettingsError(f"{path}: setting {name!r} is required")
    if resolved.get("lang", "zh") not in ("zh", "en"):
        raise SettingsError(f"setting 'lang' must be zh or en, not {resolved['lang']!r}")
    db = str(resolved.get("app_db", Settings.app_db))
    if "://" not in db:
        path = Path(db).expanduser()
        resolved["app_db"] = f"sqlite:///{path if path.is_absolute() else base / path}"
    resolved.setdefault("secret_key_file", base / Settings.secret_key_file)
    return Settings(**resolved)  # type: ignore[arg-type]


def session_secret(settings: Settings, environ: dict[str, str] | None = None) -> str:
    """The key that signs session cookies: ``COCKPIT_SECRET_KEY``, else the key file,
    created on first use with a random key readable by its owner only."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(ENV_PREFIX + "SECRET_KEY")
    if explicit:
        if len(explicit) < 32:
            raise SettingsError("COCKPIT_SECRET_KEY must have at least 32 characters")
        return explicit
    path = settings.secret_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            # A link fails if another process made the file first: everyone reads one key.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="utf-8").strip()
