"""Users and kiosk tokens: creating, changing and checking them.

Passwords are hashed with Argon2 (argon2-cffi); kiosk tokens are random and only their
SHA-256 is kept, so neither can be read back from the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, text

from cockpit.store import engine, session, utcnow
from cockpit.store.models import ROLES, KioskToken, User

_HASHER = PasswordHasher()
MIN_PASSWORD = 10
# Verified against when the name is unknown, so a wrong name costs as long as a wrong
# password and response times do not tell which names exist.
_DUMMY_HASH = _HASHER.hash("not a password of anyone's")


class AccountError(ValueError):
    """A change that cannot be made, said plainly."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    # "ok", "unknown", "wrong_password" or "throttled"
    outcome: str


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def add_user(
    url: str, name: str, role: str, scope: str, password: str, department: str | None = None
) -> User:
    _check_role(role)
    _check_password(password)
    if not name or len(name) > 64 or not name.isprintable() or name.strip() != name:
        raise AccountError("a user name is 1 to 64 printable characters")
    with session(url) as s:
        if s.scalar(select(User).where(User.name == name)) is not None:
            raise AccountError(f"user {name!r} exists already")
        user = User(
            name=name, role=role, scope=scope, password_hash=_HASHER.hash(password),
            failed_logins=0, created=utcnow(), department=department,
        )  # fmt: skip
        s.add(user)
    return user


# The scope of an account made by a first sign-in at the identity service: none, so it
# reads nothing until an administrator gives it an area (``cockpit users set-scope``).
NO_SCOPE = ""


def link_subject(url: str, name: str, subject: str) -> User:
    """``name`` signs in as ``subject`` at the identity service from now on."""
    subject = subject.strip()
    if not subject or len(subject) > 255 or not subject.isprintable():
        raise AccountError("--subject: the identity service's subject, 1 to 255 characters")
    with session(url) as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(f"no user {name!r}")
        holder = s.scalar(select(User).where(User.subject == subject))
        if holder is not None and holder.id != user.id:
            raise AccountError(f"subject {subject!r} is linked to {holder.name!r} already")
        user.subject = subject
        return user


def user_of_subject(url: str, subject: str) -> User | None:
    with session(url) as s:
        return s.scalar(select(User).where(User.subject == subject))


def provision(url: str, subject: str, wanted_name: str) -> User:
    """An account for a first sign-in at the identity service: the viewer role and no
    scope, named as the service calls the person (made unique), with no password."""
    base = "".join(ch for ch in wanted_name if ch.isprintable()).strip()[:56] or "user"
    with session(url) as s:
        name, n = base, 1
        while s.scalar(select(User).where(User.name == name)) is not None:
            n += 1
            name = f"{base}-{n}"
        user = User(
            name=name, role="viewer", scope=NO_SCOPE, subject=subject,
            # No password anyone knows: the account signs in at the identity service only.
            password_hash=_HASHER.hash(secrets.token_urlsafe(32)), created=utcnow(),
        )  # fmt: skip
        s.add(user)
        s.flush()
        return user


def get_user(url: str, name: str) -> User:
    with session(url) as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(f"no user {name!r}")
        return user


def list_users(url: str) -> list[User]:
    with session(url) as s:
        return list(s.scalars(select(User).order_by(User.name)))


def change_user(url: str, name: str, **changes: str) -> User:
    """Set ``role``, ``scope`` or ``password`` of a user; any change ends their sessions."""
    from cockpit.store.sessions import end_sessions

    with session(url) as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(f"no user {name!r}")
        if "role" in changes:
            user.role = _check_role(changes["role"])
        if "scope" in changes:
            user.scope = changes["scope"]
        if "password" in changes:
            user.password_hash = _HASHER.hash(_check_password(changes["password"]))
        user_id = user.id
    end_sessions(url, user_id=user_id)
    return user


def remove_user(url: str, name: str) -> None:
    from cockpit.store.sessions import end_sessions

    user = get_user(url, name)
    end_sessions(url, user_id=user.id)
    with session(url) as s:
        s.delete(s.get(User, user.id))


# One attempt, taken atomically (one statement, on SQLite and PostgreSQL alike): the
# count in the current window of this (name, source), a new window once the last has
# ended, twice as long as the last when that one was used up.
_TAKE_ATTEMPT = text(
    """
    INSERT INTO login_throttle (name, source, failures, window_start, window_seconds)
    VALUES (:name, :source, 1, :now, :base)
    ON CONFLICT (name, source) DO UPDATE SET
        failures = CASE WHEN :now - login_throttle.window_start >= login_throttle.window_seconds
                        THEN 1 ELSE login_throttle.failures + 1 END,
        window_seconds = CASE
            WHEN :now - login_throttle.window_start < login_throttle.window_seconds
                THEN login_throttle.window_seconds
            WHEN login_throttle.failures >= :attempts
                 AND login_throttle.window_seconds * 2 < :cap
                THEN login_throttle.window_seconds * 2
            WHEN login_throttle.failures >= :attempts THEN :cap
            ELSE :base END,
        window_start = CASE WHEN :now - login_throttle.window_start >= login_throttle.window_seconds
                            THEN :now ELSE login_throttle.window_start END
    RETURNING failures
    """
)
# A day at the most between tries, however long the guessing goes on.
_MAX_WINDOW = 24 * 3600


def _take_attempt(url: str, name: str, source: str, attempts: int, minutes: int) -> int:
    """The number of this attempt in its window (1 for the first)."""
    with engine(url).begin() as con:
        params = {
            "name": name[:255], "source": source[:64], "now": time.time(),
            "base": minutes * 60.0, "attempts": attempts, "cap": float(_MAX_WINDOW),
        }  # fmt: skip
        return int(con.execute(_TAKE_ATTEMPT, params).scalar_one())


def check_login(
    url: str, name: str, password: str, attempts: int, lock_minutes: int, source: str = "-"
) -> LoginResult:
    """Verify a password. Each (name as typed, source address) has ``attempts`` tries in
    a window of ``lock_minutes``; past them it is "throttled" until the window ends, and
    each window used up doubles the next. An unknown name is treated the same way, with
    the same work, so that no answer tells whether it exists; another address is not
    held up, so nobody can lock anyone out."""
    taken = _take_attempt(url, name, source, attempts, lock_minutes)
    if taken > attempts:
        return LoginResult(None, "throttled")
    with session(url) as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            with contextlib.suppress(VerificationError):
                _HASHER.verify(_DUMMY_HASH, password)
            return LoginResult(None, "unknown")
        try:
            _HASHER.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return LoginResult(user, "wrong_password")
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
    with engine(url).begin() as con:
        con.execute(
            text("DELETE FROM login_throttle WHERE name = :name AND source = :source"),
            {"name": name[:255], "source": source[:64]},
        )
    return LoginResult(user, "ok")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(url: str, scope: str, days: int | None, label: str | None = None) -> str:
    """A new kiosk token; the plain token is returned once and never stored."""
    if days is not None and days < 1:
        raise AccountError("--days must be at least 1")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with session(url) as s:
        s.add(
            KioskToken(
                token_hash=token_digest(token), scope=scope, label=label, created=now,
                expires=now + dt.timedelta(days=days) if days else None,
            )
        )  # fmt: skip
    return token


def list_tokens(url: str) -> list[KioskToken]:
    with session(url) as s:
        return list(s.scalars(select(KioskToken).order_by(KioskToken.id)))


def revoke_token(url: str, token_id: int) -> KioskToken:
    from cockpit.store.sessions import end_sessions

    with session(url) as s:
        token = s.get(KioskToken, token_id)
        if token is None:
            raise AccountError(f"no token {token_id}")
        token.revoked = token.revoked or utcnow()
    end_sessions(url, token_id=token_id)
    return token


def usable_token(url: str, token: str) -> KioskToken | None:
    """The kiosk token ``token`` names, if it is neither revoked nor expired."""
    if not token or len(token) > 128:
        return None
    now = utcnow()
    with session(url) as s:
        row = s.scalar(select(KioskToken).where(KioskToken.token_hash == token_digest(token)))
        if row is None or row.revoked is not None or (row.expires and row.expires <= now):
            return None
        row.last_used = now
        return row
