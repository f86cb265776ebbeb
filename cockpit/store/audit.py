"""The audit log: logins, page views, exports, token use, account changes, refusals and
refresh runs, appended and never changed. The migrations' triggers refuse UPDATE, DELETE,
INSERT OR REPLACE and TRUNCATE; and each row carries the hash of the one before it (a
chain, ``verify``), so that a change made to the database file behind the triggers' back
shows."""

from __future__ import annotations

import datetime as dt
import hashlib

import orjson
from sqlalchemy import func, insert, select, text

from cockpit.redact import without_secrets
from cockpit.store import engine, session, utcnow
from cockpit.store.models import AuditEvent

KINDS = (
    "login", "login_failed", "logout", "page_view", "indicator_view", "export",
    "token_use", "user_change", "token_change", "refresh", "denied", "task_change",
    # Refusals, each its own kind, with the caller and the path the request named.
    "not_found", "malformed", "csrf_failed", "rate_limited", "unauthenticated",
    # /api/v1: a consuming system's key made or revoked, and each call it makes.
    "apikey_change", "api_call",
    # `cockpit backup` and `cockpit restore`.
    "backup", "restore",
)  # fmt: skip


# The hash before the first row.
GENESIS = "0" * 64
_CONTENT = ("at", "kind", "actor", "role", "scope", "area", "path", "detail", "ip")


def row_digest(previous: str, fields: dict) -> str:
    """A row's hash: SHA-256 of the previous row's hash and this row's content."""
    at = fields["at"]
    content = [
        at.isoformat(timespec="microseconds") if isinstance(at, dt.datetime) else str(at),
        *(fields.get(name) for name in _CONTENT[1:]),
    ]
    text_ = orjson.dumps([previous, content], option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(text_).hexdigest()


def record(
    url: str,
    kind: str,
    actor: str | None = None,
    *,
    role: str | None = None,
    scope: str | None = None,
    area: str | None = None,
    path: str | None = None,
    detail: dict | None = None,
    ip: str | None = None,
) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    fields = {
        "at": utcnow(), "kind": kind, "actor": actor, "role": role, "scope": scope,
        "area": area, "path": (without_secrets(path) or "")[:2000] or None, "detail": detail,
        "ip": ip,
    }  # fmt: skip
    with engine(url).begin() as con:
        # The chain's lock, taken by the transaction's first write (SQLite locks the file
        # for writing, PostgreSQL the row): appends are chained one at a time.
        con.execute(text("UPDATE audit_chain SET id = id WHERE id = 1"))
        last = con.execute(text("SELECT last_hash FROM audit_chain WHERE id = 1")).scalar_one()
        digest = row_digest(last, fields)
        con.execute(insert(AuditEvent).values(**fields, prev_hash=last, row_hash=digest))
        con.execute(text("UPDATE audit_chain SET last_hash = :h WHERE id = 1"), {"h": digest})


def verify(url: str) -> tuple[int, str | None]:
    """Walk the chain from the first row: (rows that hold, and what breaks it first, or
    None when the whole log holds)."""
    last, held = GENESIS, 0
    with session(url) as s:
        for event in s.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            fields = {name: getattr(event, name) for name in _CONTENT}
            if event.prev_hash != last:
                return held, f"row {event.id} does not follow the row before it"
            if row_digest(last, fields) != event.row_hash:
                return held, f"row {event.id} was changed after it was written"
            last, held = event.row_hash, held + 1
        head = s.execute(text("SELECT last_hash FROM audit_chain WHERE id = 1")).scalar()
    if head != last:
        return held, "rows after the last one here were removed"
    return held, None


def events(
    url: str,
    user: str | None = None,
    since: dt.datetime | None = None,
    kind: str | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """Newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if user:
        query = query.where(AuditEvent.actor == user)
    if since:
        query = query.where(AuditEvent.at >= since)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    with session(url) as s:
        return list(s.scalars(query))


def count(url: str) -> int:
    with session(url) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0


def record_refresh(url: str, outcome: str, detail: dict) -> str | None:
    """A refresh run, appended; returns what went wrong instead of raising, because an
    unreachable application database must not undo a published refresh."""
    from cockpit.store import migrate

    try:
        migrate(url)
        record(url, "refresh", "refresh", detail={"outcome": outcome, **detail})
    except Exception as exc:  # noqa: BLE001 - any database error is reported the same way
        return f"audit log: could not record the refresh: {exc}"
    return None


def refresh_outcomes(url: str) -> tuple[dict[str, int], tuple[dt.datetime, str] | None]:
    """How many refresh runs ended each way ("ok", "partial", "failed"), and when the last
    one ended and how."""
    counts: dict[str, int] = {}
    last = None
    with session(url) as s:
        for at, detail in s.execute(
            select(AuditEvent.at, AuditEvent.detail)
            .where(AuditEvent.kind == "refresh")
            .order_by(AuditEvent.id)
        ):
            outcome = str((detail or {}).get("outcome", "unknown"))
            counts[outcome] = counts.get(outcome, 0) + 1
            last = (at, outcome)
    return counts, last
