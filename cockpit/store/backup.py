"""The application database copied out and back in: users, tasks, tokens and the audit
log, which no refresh can rebuild (``cockpit backup`` and ``cockpit restore``).

SQLite is copied with its online backup, which gives a consistent file while the server
goes on writing; PostgreSQL with ``pg_dump`` in its custom format and ``pg_restore``. The
password goes to the PostgreSQL tools in their environment, never on a command line that
``ps`` shows."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from cockpit.store import MIGRATIONS, engine

SQLITE_FILE = "app.db"
POSTGRES_FILE = "app.pgdump"


class BackupError(RuntimeError):
    """A copy that cannot be made or brought back, with the reason."""


def kind(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def known_revisions() -> list[str]:
    """The schema revisions this code has migrations for, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def revision(url: str) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    with engine(url).connect() as con:
        if not inspect(con).has_table("alembic_version"):
            return None
        return con.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _postgres(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{what}: {argv[0]} is not installed (PostgreSQL's client)") from exc
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        said = [line for line in lines if "error" in line.lower()] or lines
        raise BackupError(f"{what} failed: {said[0] if said else done.returncode}")


def dump(url: str, folder: Path) -> Path:
    """A consistent copy of the database in ``folder``; its path."""
    if kind(url) == "sqlite":
        target = folder / SQLITE_FILE
        source = sqlite3.connect(make_url(url).database or "")
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        os.chmod(target, 0o600)
        return target
    target = folder / POSTGRES_FILE
    conninfo, env = _postgres(url)
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
          f"--dbname={conninfo}"], env, "pg_dump")  # fmt: skip
    os.chmod(target, 0o600)
    return target


def load(url: str, copy: Path) -> None:
    """The database replaced by ``copy`` (made by ``dump`` for the same kind)."""
    if kind(url) == "sqlite":
        engine(url).dispose()
        source = sqlite3.connect(copy)
        try:
            target = sqlite3.connect(make_url(url).database or "")
            with target:
                # The online backup writes every page under the target's own lock and
                # journal: a reader never sees half of it.
                source.backup(target)
            target.close()
        finally:
            source.close()
        return
    engine(url).dispose()
    conninfo, env = _postgres(url)
    with engine(url).begin() as con:
        # What the copy does not hold must not survive it: every table of the schema goes
        # (their sequences with them), in one transaction.
        for table in inspect(con).get_table_names():
            con.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    engine(url).dispose()
    # --clean: the functions behind the append-only triggers outlive their tables.
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction",
          "--exit-on-error", f"--dbname={conninfo}", str(copy)], env, "pg_restore")  # fmt: skip
