"""How a department source arrives when it is not dropped into the inbox as a file: pulled
from a database by a query (``from = "sql"``) or from an interface (``from = "api"``), as
declared in ``cockpit.toml`` under ``[sources.<id>]``.

Secrets are never in the file: the database URL, the bearer token, the app key and its
secret are named by the environment variables that hold them (``*_env``)."""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def from_environment(name: str, what: str) -> str:
    """The secret in environment variable ``name``; a missing one is named, never shown."""
    value = os.environ.get(name, "")
    if not value:
        raise ConnectionSettingError(f"{what}: environment variable {name} is not set")
    return value


class ConnectionSettingError(ValueError):
    pass


class SqlPull(_Strict):
    """A query on any database SQLAlchemy reaches. It returns the columns of the source's
    file (its headers, or the contract's field names)."""

    from_: Literal["sql"] = Field(alias="from")
    url_env: str = Field(pattern=_ENV_NAME)
    query: str = Field(min_length=1)
    # Only rows whose value in this column is past the last pull's; the months they touch
    # are merged with what is served, so a month is never half replaced.
    incremental: str | None = None
    # Rows fetched per round trip.
    chunk_rows: int = Field(50_000, ge=100)
    timeout_seconds: float = Field(60, gt=0)

    @property
    def how(self) -> str:
        return "sql"

    @property
    def variables(self) -> list[str]:
        """The environment variables holding its secrets."""
        return [self.url_env]


class Paginator(_Strict):
    """How the interface hands out its pages: by page number, by offset, or by a cursor
    that each answer gives for the next."""

    type: Literal["page", "offset", "cursor", "none"] = "none"
    page_param: str = "page"
    first_page: int = 1
    size_param: str = "page_size"
    size: int = Field(500, ge=1)
    offset_param: str = "offset"
    # Where the answer says how many records there are, and where the next cursor is (a
    # dotted path into the JSON), and the parameter that sends it back.
    total_path: str | None = None
    cursor_path: str = "next_cursor"
    cursor_param: str = "cursor"


class Auth(_Strict):
    """A bearer token; or an app key with a signature, as public data platforms ask:
    HMAC-SHA256 over ``<appKey><timestamp>`` with the app secret, sent with the key and the
    timestamp (milliseconds) in the named headers."""

    type: Literal["none", "bearer", "app_key_hmac"] = "none"
    token_env: str | None = Field(None, pattern=_ENV_NAME)
    app_key_env: str | None = Field(None, pattern=_ENV_NAME)
    app_secret_env: str | None = Field(None, pattern=_ENV_NAME)
    key_header: str = "X-App-Key"
    timestamp_header: str = "X-Timestamp"
    signature_header: str = "X-Signature"

    @model_validator(mode="after")
    def _secrets_named(self) -> Auth:
        if self.type == "bearer" and not self.token_env:
            raise ValueError("auth type bearer needs token_env")
        if self.type == "app_key_hmac" and not (self.app_key_env and self.app_secret_env):
            raise ValueError("auth type app_key_hmac needs app_key_env and app_secret_env")
        return self

    @property
    def variables(self) -> list[str]:
        named = (self.token_env, self.app_key_env, self.app_secret_env)
        return [name for name in named if name]


class ApiPull(_Strict):
    """A REST interface answering JSON: its records at ``records`` (a dotted path; empty
    for an answer that is the list itself)."""

    from_: Literal["api"] = Field(alias="from")
    url: str = Field(pattern=r"^https?://")
    records: str = ""
    params: dict[str, str | int] = {}
    paginator: Paginator = Paginator()
    auth: Auth = Auth()
    timeout_seconds: float = Field(30, gt=0)
    retries: int = Field(3, ge=0, le=10)
    # At most this many requests a second, whatever the pages.
    requests_per_second: float = Field(5, gt=0)
    # A pager that never ends is an error, not a hang.
    max_pages: int = Field(1_000, ge=1)

    @property
    def how(self) -> str:
        return "api"

    @property
    def variables(self) -> list[str]:
        """The environment variables holding its secrets."""
        return self.auth.variables


Connection = Annotated[SqlPull | ApiPull, Field(discriminator="from_")]
