"""Login sessions: a browser's cookie names one row; the row says who it is, and ending
it (logout, a changed account, a revoked token, idle time) ends the session at once."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from cockpit.store import engine, session, utcnow
from cockpit.store.models import KioskToken, LoginSession, User

# last_seen is written at most this often, so that a page's dozen requests cost one write.
_TOUCH_EVERY = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a person, or a wall screen through its kiosk token."""

    session_id: str
    name: str
    role: str
    scope: str
    kiosk: bool
    department: str | None = None


def start_session(url: str, user_id: int | None = None, token_id: int | None = None) -> str:
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with session(url) as s:
        s.add(
            LoginSession(id=session_id, user_id=user_id, token_id=token_id, created=now,
                         last_seen=now)
        )  # fmt: skip
    return session_id


# Built once: constructing the statement cost more than running it (about 1 ms of the
# 1.8 ms a signed-in request took, cProfile); with a bound parameter SQLAlchemy also
# reuses its compiled form.
_RESUME = (
    select(
        LoginSession.last_seen, LoginSession.user_id, LoginSession.token_id,
        User.name, User.role, User.scope, User.department,
        KioskToken.scope.label("token_scope"), KioskToken.revoked, KioskToken.expires,
    )
    .outerjoin(User, User.id == LoginSession.user_id)
    .outerjoin(KioskToken, KioskToken.id == LoginSession.token_id)
    .where(LoginSession.id == bindparam("session_id"), LoginSession.ended.is_(None))
)  # fmt: skip


def resume(url: str, session_id: str, idle: dt.timedelta) -> Principal | None:
    """The principal of a live session, or None when it ended, idled out, or its user or
    token is gone, locked, revoked or expired. One read on every request (a join, no ORM
    objects: it is on every request's path); a write only to end it or, every 30 s, to
    note that it is still in use."""
    if not session_id or len(session_id) > 64:
        return None
    now = utcnow()
    with engine(url).connect() as con:
        row = con.execute(_RESUME, {"session_id": session_id}).first()
    if row is None:
        return None
    principal = _principal(row, session_id, now) if now - row.last_seen <= idle else None
    if principal is None:
        end_session(url, session_id)
    elif now - row.last_seen > _TOUCH_EVERY:
        with engine(url).begin() as con:
            con.execute(
                update(LoginSession).where(LoginSession.id == session_id).values(last_seen=now)
            )
    return principal


def _principal(row, session_id: str, now: dt.datetime) -> Principal | None:
    """Who a live session row is, if its user is there, or its token is neither revoked
    nor expired."""
    if row.user_id is not None and row.name is not None:
        return Principal(session_id, row.name, row.role, row.scope, False, row.department)
    if row.token_id is None or row.token_scope is None or row.revoked is not None:
        return None
    if row.expires and row.expires <= now:
        return None
    return Principal(session_id, f"kiosk:{row.token_id}", "viewer", row.token_scope, True)


def end_session(url: str, session_id: str) -> None:
    with session(url) as s:
        s.execute(
            update(LoginSession)
            .where(LoginSession.id == session_id, LoginSession.ended.is_(None))
            .values(ended=utcnow())
        )


def end_sessions(url: str, user_id: int | None = None, token_id: int | None = None) -> int:
    with session(url) as s:
        query = update(LoginSession).where(LoginSession.ended.is_(None))
        if user_id is not None:
            query = query.where(LoginSession.user_id == user_id)
        if token_id is not None:
            query = query.where(LoginSession.token_id == token_id)
        return s.execute(query.values(ended=utcnow())).rowcount


def live_sessions(url: str) -> list[LoginSession]:
    with session(url) as s:
        return list(s.scalars(select(LoginSession).where(LoginSession.ended.is_(None))))
