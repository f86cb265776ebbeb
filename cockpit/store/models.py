"""The application database's tables: what people write, never the warehouse (which every
refresh replaces). The schema is a contract like the warehouse's; Alembic migrations in
``migrations/`` create and change it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# viewer reads; handler (处置) also works the 督办 loop; analyst and operator read, and
# do their work through the command; admin does everything (cockpit.tasks.permissions).
ROLES = ("viewer", "handler", "analyst", "operator", "admin")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # The area the user sees, with everything below it and its ancestors' totals.
    scope: Mapped[str] = mapped_column(String(32))
    # The department whose own cockpit usage the user may read (optional).
    department: Mapped[str | None] = mapped_column(String(64), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Who the account is at the unified identity service (OpenID Connect's ``sub``), when
    # it signs in there; an account made by a first sign-in has no usable password.
    subject: Mapped[str | None] = mapped_column(String(255), nullable=True, unique=True)
    # The account lock before 0005 (guesses are now held up per name and address in
    # ``login_throttle``): no longer set or read, kept so the schema stays as migrated.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime)


class KioskToken(Base):
    """A wall screen's read-only, scoped, expiring key. Only its SHA-256 is stored."""

    __tablename__ = "kiosk_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime)
    expires: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ApiKey(Base):
    """A consuming system's read-only, scoped key to ``/api/v1`` (共享: who uses the data
    answers for it). Only its SHA-256 is stored; ``indicators`` (comma-separated) limits
    it to some indicators, all when empty."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    consumer: Mapped[str] = mapped_column(String(128))
    scope: Mapped[str] = mapped_column(String(32))
    indicators: Mapped[str | None] = mapped_column(Text, nullable=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime)
    expires: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LoginSession(Base):
    """One browser's session: a person's login or a wall's kiosk token. The cookie holds
    only the random id; ending the row (logout, revocation, idle time) ends the session."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=True
    )
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("kiosk_token.id", ondelete="CASCADE"), nullable=True
    )
    created: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    ended: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AuditEvent(Base):
    """Append-only (the migrations' triggers) and chained by hash (``audit.verify``)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    scope: Mapped[str | None] = mapped_column(String(32), nullable=True)
    area: Mapped[str | None] = mapped_column(String(32), nullable=True)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The chain (``audit.verify``): the hash of the row before, and of this one.
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    row_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


# 督办: the seven steps of 数字化城市管理 mapped onto a task's states (``cockpit.tasks.states``).


class Task(Base):
    """A 督办 task about one indicator in one area, from an alert or made by hand."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="CASCADE"), nullable=True, index=True
    )
    indicator_id: Mapped[str] = mapped_column(String(64), index=True)
    # The street or community responsible for it.
    area_code: Mapped[str] = mapped_column(String(32), index=True)
    department: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # The month whose value raised it, and its status then.
    period: Mapped[str] = mapped_column(String(7))
    severity: Mapped[str] = mapped_column(String(8))
    origin: Mapped[str] = mapped_column(String(8))  # alert | forecast | manual
    state: Mapped[str] = mapped_column(String(16), index=True)
    due: Mapped[dt.datetime] = mapped_column(DateTime)
    created: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated: Mapped[dt.datetime] = mapped_column(DateTime)
    # Set when it ran past its due date and was escalated to the level above.
    escalated_to: Mapped[str | None] = mapped_column(String(32), nullable=True)


class TaskEvent(Base):
    """Every transition of a task: who, when, from and to which state, and the note.
    Append-only, like the audit log."""

    __tablename__ = "task_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Notification(Base):
    """One message about a task to one webhook, and how its delivery went."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(16))  # new | overdue | reopened
    hook: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(8))  # sent | failed
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
