"""Settings: one file, ``cockpit.toml``, every key overridable by ``COCKPIT_<KEY>``.

Both sides read these; nothing else is shared between ``pipelines`` and ``dashboard``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from cockpit.connections import Connection

CONFIG_ENV = "COCKPIT_CONFIG"
ENV_PREFIX = "COCKPIT_"


class SettingsError(ValueError):
    """A settings file or an environment override that cannot be used."""


class Settings(BaseSettings):
    """Every setting, its type and default. ``load_settings`` reads them from
    ``cockpit.toml`` and ``COCKPIT_<KEY>``; relative paths are taken from the file's folder."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    inbox: Path
    archive: Path
    warehouse: Path
    layers: Path
    reference: Path
    # The area tree in force, written by `cockpit areas init` (tree.csv, code_changes.csv);
    # until then the demo's, shipped in `reference`.
    areas: Path = Path("data/areas")
    # The day the code changes in the tree's code_changes.csv took effect, as the operator
    # confirms it (the NBS lists give the year only); overrides any date in the file.
    code_changes_effective: dt.date | None = None
    # Answers from the warehouse, kept under the published version they came from:
    # "filesystem" (a folder every worker shares, warmed by each refresh), "memory" (per
    # worker), a Redis URL (redis://host:6379/0), or "none".
    cache: str = "filesystem"
    cache_dir: Path = Path("data/cache")
    # The static files (scripts, stylesheets) compressed once with brotli's and gzip's best,
    # kept by their content's digest: a folder of this machine that every cockpit on it
    # may share (``dashboard/shell/compressed.py``).
    static_cache: Path = Field(default_factory=lambda: _user_cache() / "cockpit" / "static")
    # The cockpit's name in the header and the browser tab; empty: "<the tree's top
    # area>城市大脑 · 一网统管驾驶舱", from the area tree.
    title_zh: str = ""
    title_en: str = ""
    keep_versions: int = Field(3, ge=0)
    # `cockpit refresh --engine spark`: the Spark master ("local[*]" on the cockpit machine,
    # spark://host:7077 for a cluster), the folder the staged tables go out to as Parquet
    # (on a cluster, one every executor reads at the same path) and the driver's memory.
    spark_master: str = "local[*]"
    spark_dir: Path = Path("data/spark")
    spark_driver_memory: str = "2g"
    # DuckDB's memory cap for a refresh; beyond it DuckDB spills to disk beside the warehouse.
    memory_limit: str = "1GB"
    host: str = "127.0.0.1"
    port: int = Field(8050, ge=1, le=65535)
    workers: int = Field(2, ge=1)
    # Where the workers keep their counters for /metrics (emptied when `cockpit serve`
    # starts; prometheus-client's multiprocess mode).
    metrics_dir: Path = Path("data/metrics")
    # The server's log lines: "text", or "json" (one object a line) for log collectors.
    log_format: Literal["text", "json"] = "text"
    lang: Literal["zh", "en"] = "zh"
    # The wall screen's playlist: seconds on each area, and how far it goes down the tree.
    wall_dwell_seconds: int = Field(20, ge=1)
    wall_streets: int = Field(3, ge=0)
    wall_communities: int = Field(2, ge=0)
    # The wall's map: "3d" (the 3D scene: a slow orbit of the top area, then a fly-to of
    # each area the playlist visits) or "2d" (the flat map of red counts, for a wall PC
    # without a graphics card). ``/wall?scene=`` overrides it for one screen.
    wall_scene: Literal["2d", "3d"] = "3d"
    # Past this many buildings in a 3D scene, they load only for the areas in view, close
    # up: a city's hundreds of thousands would not fit a browser at once.
    scene_eager_buildings: int = Field(60_000, ge=0)
    # The figures at the top of every area page, in this order (4 to 6 indicator ids);
    # an indicator a level does not report is left out there.
    headline: list[str] = Field(
        default=[
            "registered_population",
            "hotline_per_10k",
            "hotline_closed_48h",
            "elderly_share",
            "air_good_days_share",
            "tasks_overdue",
        ],
        min_length=4,
        max_length=6,
    )
    # The application database (users, sessions, kiosk tokens, audit): a SQLAlchemy URL, or
    # a path for an embedded SQLite file.
    app_db: str = "data/app.db"
    # The key that signs session cookies: COCKPIT_SECRET_KEY, else this file, created with
    # a random key (owner-only) on first use. Never in the repository.
    secret_key_file: Path = Path("data/secret.key")
    # Sign-in at the government's unified identity service (统一身份认证), by OpenID
    # Connect: its issuer URL (its discovery document under /.well-known/), this cockpit's
    # client id there, and the variable holding the client secret (never this file)...
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret_env: str = "COCKPIT_OIDC_CLIENT_SECRET"
    oidc_scopes: str = "openid profile"
    # ...or by CAS: the server's URL (https://cas.example.gov.cn/cas) and its protocol.
    cas_server_url: str = ""
    cas_version: Literal[2, 3] = 3
    identity_label_zh: str = "统一身份认证登录"
    identity_label_en: str = "Sign in with the unified identity service"
    # A first sign-in there by someone not linked to an account (`cockpit users link`)
    # makes one: the viewer role and no scope, until an administrator gives one.
    identity_provision: bool = True
    # Whether the cockpit's own passwords still sign people in.
    local_passwords: bool = True
    # Host names the server answers to, comma-separated; any other Host header gets 400.
    trusted_hosts: str = "127.0.0.1,localhost"
    # Cookies marked Secure: set true behind HTTPS (a reverse proxy).
    secure_cookies: bool = False
    # A session ends after this many minutes without a request.
    session_idle_minutes: int = Field(30, ge=1)
    # Failed logins before an account locks, and for how long.
    lockout_attempts: int = Field(5, ge=1)
    lockout_minutes: int = Field(15, ge=1)
    # Login attempts one client may make (flask-limiter's notation).
    login_rate_limit: str = "10 per minute"
    # Hosts 督办 webhooks may be sent to (comma-separated), and whether plain http is
    # allowed: an internal address is reached only when it is listed here.
    webhook_hosts: str = "oapi.dingtalk.com"
    webhook_http: bool = False
    # 督办 dispatches and forwards one person may make (flask-limiter's notation).
    dispatch_rate_limit: str = "60 per hour"
    # A kiosk token made without --days expires after this many days.
    kiosk_token_days: int = Field(default=180, ge=1)
    # 督办 notifications: a TOML file of webhooks (DingTalk group robots); none if absent.
    notify_file: Path = Path("notify.toml")
    # The cockpit's address as officials reach it, for links in notifications.
    public_url: str = ""
    # Calls one API key may make to /api/v1 (flask-limiter's notation).
    api_rate_limit: str = "600 per minute"
    # Sources pulled from a database or an interface instead of dropped in the inbox
    # ([sources.<id>] in cockpit.toml; docs/operators.md).
    sources: dict[str, Connection] = {}

    @model_validator(mode="after")
    def _one_identity_service(self) -> Settings:
        if self.oidc_issuer and self.cas_server_url:
            raise ValueError("sign-in goes to one identity service: set oidc_issuer or "
                             "cas_server_url, not both")  # fmt: skip
        return self

    @field_validator("cache")
    @classmethod
    def _cache_kind(cls, value: str) -> str:
        if value in ("filesystem", "memory", "none") or value.startswith(
            ("redis://", "rediss://", "unix://")
        ):
            return value
        raise ValueError("filesystem, memory, none or a Redis URL (redis://host:6379/0)")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        **_others: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # load_settings reads the file and the environment it is given, explicitly.
        return (init_settings,)

    def with_overrides(self, **changes: object) -> Settings:
        return self.model_copy(update=changes)


def _user_cache() -> Path:
    """The user's cache folder (XDG's ``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


_PATH_KEYS = (
    "inbox", "archive", "warehouse", "layers", "reference", "areas", "cache_dir", "spark_dir",
    "secret_key_file", "notify_file", "metrics_dir", "static_cache",
)  # fmt: skip


def settings_file() -> Path:
    """The settings file in force: ``COCKPIT_CONFIG``, else ``cockpit.toml`` here, else
    the one at the root of an offline install, else the one beside the package."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    here = Path.cwd() / "cockpit.toml"
    if here.exists():
        return here
    # An offline install (packaging/install.sh): the file at the environment's root.
    installed = Path(sys.prefix) / "cockpit.toml"
    if installed.exists():
        return installed
    # An installed checkout: the file beside the package.
    return Path(__file__).resolve().parent.parent / "cockpit.toml"


def _from_environment(environ: dict[str, str] | os._Environ) -> dict[str, object]:
    source = EnvSettingsSource(Settings, env_prefix=ENV_PREFIX, case_sensitive=False)
    # The environment to read is the caller's (tests pass their own, or none at all).
    source.env_vars = {name.lower(): value for name, value in environ.items()}
    return source()


def _problem(error: dict, path: Path, from_env: set[str]) -> str:
    key = str(error["loc"][0]) if error["loc"] else "?"
    where = f"environment variable {ENV_PREFIX}{key.upper()}" if key in from_env else str(path)
    if len(error["loc"]) > 1:
        # A nested setting ([sources.health] query = …): its whole path.
        key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown setting {key!r}"
    if error["type"] == "missing":
        return f"{where}: setting {key!r} is required"
    return f"{where}: setting {key!r}: {error['msg']} (got {error['input']!r})"


def load_settings(
    config_file: Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Read ``cockpit.toml`` and apply ``COCKPIT_<KEY>`` overrides from the environment."""
    path = config_file or settings_file()
    try:
        from_file = TomlConfigSettingsSource(Settings, toml_file=path)()
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    from_env = _from_environment(os.environ if environ is None else environ)
    try:
        settings = Settings(**{**from_file, **from_env})
    except ValidationError as exc:
        problems = [_problem(e, path, set(from_env)) for e in exc.errors()]
        raise SettingsError("; ".join(problems)) from exc
    base = path.resolve().parent
    resolved: dict[str, object] = {
        key: base / getattr(settings, key).expanduser()
        for key in _PATH_KEYS
        if not getattr(settings, key).expanduser().is_absolute()
    }
    if "://" not in settings.app_db:
        db = Path(settings.app_db).expanduser()
        resolved["app_db"] = f"sqlite:///{db if db.is_absolute() else base / db}"
    return settings.model_copy(update=resolved)


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
