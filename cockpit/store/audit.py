"""The audit log: logins, page views, exports, token use, account changes and refresh
runs, appended and never changed (the migrations refuse UPDATE and DELETE)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from cockpit.redact import without_secrets
from cockpit.store import engine, session, utcnow
from cockpit.store.models import AuditEvent

KINDS = (
    "login", "login_failed", "logout", "page_view", "indicator_view", "export",
    "token_use", "user_change", "token_change", "refresh", "denied", "task_change",
)  # fmt: skip


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
    # One INSERT on a pooled connection: cheap enough to write on every page view.
    with engine(url).begin() as con:
        con.execute(
            insert(AuditEvent).values(
                at=utcnow(), kind=kind, actor=actor, role=role, scope=scope, area=area,
                path=(without_secrets(path) or "")[:2000] or None, detail=detail, ip=ip,
            )
        )  # fmt: skip


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
