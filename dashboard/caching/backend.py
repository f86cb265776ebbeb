"""Answers from the warehouse, cached under the published version they were read from.

A published warehouse never changes (a refresh publishes a new file), so a query's answer
is keyed on (version, SQL, parameters) and never goes stale: the next publish changes the
version, and every key with it. The caller's scope is in the parameters of every reader
that filters by it (``data.VISIBLE``), so callers with different scopes never share an
answer. Backends (flask-caching): a folder shared by every worker and by ``cockpit
refresh``, which warms it for the top of the tree after each publish (the default), memory
per process, Redis by URL, or none.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import flask
import orjson
from flask_caching import Cache
from prometheus_client import Counter

from cockpit.settings import Settings

answers = Cache()
# Summed over the workers at /metrics (prometheus-client's multiprocess mode).
LOOKUPS = Counter(
    "cockpit_answer_cache_lookups", "Answers looked up in the cache, found or not", ["result"]
)
# Entries kept on disk or in memory before the oldest go (on disk: ``folder``, where old
# versions' entries, never read again, are the first to go).
MAX_ENTRIES = 20_000


def config(settings: Settings) -> dict:
    kind = settings.cache
    if kind.startswith(("redis://", "rediss://", "unix://")):
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": kind, "CACHE_KEY_PREFIX": "cockpit:"}
    base = {"CACHE_DEFAULT_TIMEOUT": 0, "CACHE_THRESHOLD": MAX_ENTRIES}
    if kind == "filesystem":
        return {
            **base,
            "CACHE_TYPE": "dashboard.caching.folder.AnswerFolder",
            "CACHE_DIR": str(settings.cache_dir),
        }
    if kind == "memory":
        return {**base, "CACHE_TYPE": "SimpleCache"}
    return {"CACHE_TYPE": "NullCache"}


def init(server: flask.Flask, settings: Settings) -> None:
    if settings.cache == "filesystem":
        Path(settings.cache_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
    answers.init_app(server, config=config(settings))


def _bound() -> bool:
    app = flask.current_app if flask.has_app_context() else answers.app
    return app is not None and answers in app.extensions.get("cache", {})


@functools.cache
def _code() -> str:
    """The dashboard's code: what it derives from the data (a page's panels, a figure)
    changes with it, so a new release never reads what the last one kept."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(version: Path, sql: str, params: object) -> str:
    # The version's path and modification time: a file is never rewritten once published,
    # and two cockpits on one machine never share a path.
    stamp = [str(version), version.stat().st_mtime_ns, _code()]
    text = orjson.dumps([stamp, sql, params], default=str, option=orjson.OPT_SORT_KEYS)
    return "q:" + hashlib.sha256(text).hexdigest()


def remembered(version: Path, sql: str, params: object, read: Callable[[], object]) -> object:
    """The cached answer to this query on this version, else ``read()``'s, kept. Outside a
    cockpit app (a script, a test of a reader alone) every call reads."""
    if not _bound():
        return read()
    name = key(version, sql, params)
    found = answers.get(name)
    if found is not None:
        LOOKUPS.labels("hit").inc()
        return found
    LOOKUPS.labels("miss").inc()
    value = read()
    answers.set(name, value)
    return value
