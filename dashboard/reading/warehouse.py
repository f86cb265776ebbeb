"""The published warehouse, read-only: the only place the dashboard opens it.

Reads go through ``frame`` and ``first_row``, one cursor per call on a held read-only
connection to the published version the pointer names now. When a refresh publishes, the
pointer names a new file and the next call opens it; calls under way finish on the old
one. Every answer is kept in the answer cache under the version it was read from
(``caching.backend``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

import duckdb
import flask
import pandas as pd

from cockpit.settings import Settings, load_settings
from dashboard.caching import backend as query_cache

T = TypeVar("T")


# Where an app keeps the settings it was made with.
SETTINGS_KEY = "COCKPIT_SETTINGS"


def settings() -> Settings:
    """The settings of the app serving this request (``create_app(settings)``); outside
    an app, those of this process's environment (``cockpit.toml`` and ``COCKPIT_*``)."""
    if flask.has_app_context():
        made_with = flask.current_app.config.get(SETTINGS_KEY)
        if made_with is not None:
            return made_with
    return _from_environment()


@cache
def _from_environment() -> Settings:
    return load_settings()


class NoWarehouse(RuntimeError):
    """Nothing has been published yet."""


@lru_cache(maxsize=4)
def _connection(version: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(version), read_only=True)
    con.execute("SET enable_progress_bar = false")
    return con


def _version() -> Path:
    pointer = settings().warehouse
    if not pointer.exists():
        raise NoWarehouse(str(pointer))
    return pointer.resolve()


def frame(sql: str, params: list | dict | None = None, *, kept: bool = True) -> pd.DataFrame:
    """The query's answer as a DataFrame. ``kept=False`` for a reader whose caller keeps
    what it derives from the answer (``remembered``): keeping both costs a second write."""
    version = _version()

    def read() -> pd.DataFrame:
        cursor = _connection(version).cursor()
        try:
            return cursor.execute(sql, params).df()
        finally:
            cursor.close()

    return query_cache.remembered(version, sql, params, read) if kept else read()


def remembered(name: str, params: object, build: Callable[[], T]) -> T:
    """What ``build`` derives from the published version (and ``params``), cached with
    the version like any query's answer: ``name`` says what it is."""
    return query_cache.remembered(_version(), name, params, build)


def first_row(sql: str, params: list | dict | None = None) -> dict | None:
    """One record as a dict of plain Python values (NULL is None). Built from the cursor,
    not a DataFrame: a one-row DataFrame costs about 2 ms in pandas 3, more than the query,
    and every callback reads several single rows."""
    version = _version()

    def read() -> dict | None:
        cursor = _connection(version).cursor()
        try:
            result = cursor.execute(sql, params)
            row = result.fetchone()
            if row is None:
                return None
            return dict(zip([d[0] for d in result.description], row, strict=True))
        finally:
            cursor.close()

    return query_cache.remembered(version, sql, params, read)


def warehouse_version() -> str:
    """A token that changes whenever a new version is published."""
    return _version().name
