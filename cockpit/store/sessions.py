"""Login sessions: a browser's cookie names one row; the row says who it is, and ending
it (logout, a changed account, a revoked token, idle time) ends the session at once."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from cockpit.store import session, utcnow
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


def resume(url: str, session_id: str, idle: dt.timedelta) -> Principal | None:
    """The principal of a live session, or None when it ended, idled out, or its user or
    token is gone, locked, revoked or expired."""
    if not session_id or len(session_id) > 64:
        return None
    now = utcnow()
    with session(url) as s:
        row = s.get(LoginSession, session_id)
        if row is None or row.ended is not None:
            return None
        if now - row.last_seen > idle:
            row.ended = now
            return None
        principal = None
        if row.user_id is not None:
            user = s.get(User, row.user_id)
            if user is not None and not (user.locked_until and user.locked_until > now):
                principal = Principal(
                    session_id, user.name, user.role, user.scope, False, user.department
                )
        elif row.token_id is not None:
            token = s.get(KioskToken, row.token_id)
            if (
                token is not None
                and token.revoked is None
                and not (token.expires and token.expires <= now)
            ):
                principal = Principal(session_id, f"kiosk:{token.id}", "viewer", token.scope, True)
        if principal is None:
            row.ended = now
            return None
        if now - row.last_seen > _TOUCH_EVERY:
            row.last_seen = now
        return principal


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
