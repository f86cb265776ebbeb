"""Users and kiosk tokens: creating, changing and checking them.

Passwords are hashed with Argon2 (argon2-cffi); kiosk tokens are random and only their
SHA-256 is kept, so neither can be read back from the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from cockpit.store import session, utcnow
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
    # "ok", "unknown", "wrong_password" or "locked"
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
            user.failed_logins, user.locked_until = 0, None
        user_id = user.id
    end_sessions(url, user_id=user_id)
    return user


def remove_user(url: str, name: str) -> None:
    from cockpit.store.sessions import end_sessions

    user = get_user(url, name)
    end_sessions(url, user_id=user.id)
    with session(url) as s:
        s.delete(s.get(User, user.id))


def check_login(
    url: str, name: str, password: str, attempts: int, lock_minutes: int
) -> LoginResult:
    """Verify a password. ``attempts`` failures in a row lock the account for
    ``lock_minutes``; while locked even the right password is refused."""
    now = utcnow()
    with session(url) as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            with contextlib.suppress(VerificationError):
                _HASHER.verify(_DUMMY_HASH, password)
            return LoginResult(None, "unknown")
        if user.locked_until is not None and user.locked_until > now:
            return LoginResult(user, "locked")
        try:
            _HASHER.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            if user.failed_logins >= attempts:
                user.locked_until = now + dt.timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                return LoginResult(user, "locked")
            return LoginResult(user, "wrong_password")
        user.failed_logins, user.locked_until = 0, None
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
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
