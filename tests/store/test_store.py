"""The application database, on SQLite and on PostgreSQL: migrations from empty,
accounts, lockout, sessions, kiosk tokens and the append-only audit log."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from cockpit import store
from cockpit.store import accounts, audit, sessions, utcnow

IDLE = dt.timedelta(minutes=30)
SCOPE = "330103001000"


@pytest.fixture
def db(db_url) -> str:
    store.migrate(db_url)
    return db_url


def test_the_migrations_build_the_schema_from_empty_and_again_change_nothing(db_url):
    store.migrate(db_url)
    tables = set(inspect(store.engine(db_url)).get_table_names())
    assert {
        "app_user", "kiosk_token", "login_session", "audit_event", "task", "task_event",
        "notification", "rate_limit", "login_throttle", "audit_chain",
        "alembic_version",
    } <= tables  # fmt: skip
    store.migrate(db_url)  # a second run is a no-op
    if db_url.startswith("sqlite"):
        # Password hashes and the audit log are the owner's alone.
        path = Path(db_url.split(":///", 1)[1])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with store.engine(db_url).connect() as con:
        assert (
            con.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == "0008_identity_subjects"
        )
    columns = {c["name"] for c in inspect(store.engine(db_url)).get_columns("app_user")}
    assert "subject" in columns


def test_passwords_are_argon2_and_weak_ones_refused(db):
    user = accounts.add_user(db, "zhang", "viewer", SCOPE, "long enough secret")
    assert user.password_hash.startswith("$argon2id$")
    assert "long enough secret" not in user.password_hash
    with pytest.raises(accounts.AccountError, match="at least"):
        accounts.add_user(db, "li", "viewer", SCOPE, "short")
    with pytest.raises(accounts.AccountError, match="exists"):
        accounts.add_user(db, "zhang", "viewer", SCOPE, "another long secret")
    with pytest.raises(accounts.AccountError, match="role"):
        accounts.add_user(db, "wang", "root", SCOPE, "another long secret")


def test_guessing_is_held_up_per_name_and_address_and_the_window_doubles(db):
    accounts.add_user(db, "zhang", "viewer", SCOPE, "long enough secret")

    def attempt(name: str, password: str, source: str = "10.0.0.9") -> str:
        return accounts.check_login(db, name, password, 3, 15, source).outcome

    assert [attempt("zhang", "wrong") for _ in range(3)] == ["wrong_password"] * 3
    # Held up: even the right password is refused, from this address.
    assert attempt("zhang", "long enough secret") == "throttled"
    # Not from another: nobody can lock anyone out by guessing in their name.
    assert attempt("zhang", "long enough secret", "10.0.0.1") == "ok"
    # An unknown name is held up exactly the same way: no answer tells it does not exist.
    assert [attempt("nobody", "x") for _ in range(4)] == ["unknown"] * 3 + ["throttled"]
    with store.engine(db).begin() as con:  # fifteen minutes pass
        con.execute(text("UPDATE login_throttle SET window_start = window_start - 901"))
    assert attempt("zhang", "wrong") == "wrong_password"
    with store.engine(db).connect() as con:
        window = con.execute(text("SELECT window_seconds FROM login_throttle "
                                  "WHERE name = 'zhang' AND source = '10.0.0.9'")).scalar()  # fmt: skip
    assert window == 2 * 15 * 60  # the next window is twice as long
    assert attempt("zhang", "long enough secret") == "ok"  # and a success forgets it all


def test_a_session_ends_on_idle_time_logout_and_any_change_to_its_account(db):
    user = accounts.add_user(db, "zhang", "viewer", SCOPE, "long enough secret")
    sid = sessions.start_session(db, user_id=user.id)
    who = sessions.resume(db, sid, IDLE)
    assert (who.name, who.scope, who.kiosk) == ("zhang", SCOPE, False)
    with store.engine(db).begin() as con:  # 31 idle minutes
        con.execute(text("UPDATE login_session SET last_seen = :t"),
                    {"t": utcnow() - dt.timedelta(minutes=31)})  # fmt: skip
    assert sessions.resume(db, sid, IDLE) is None
    assert sessions.resume(db, sid, IDLE) is None  # and it stays ended
    sid = sessions.start_session(db, user_id=user.id)
    sessions.end_session(db, sid)
    assert sessions.resume(db, sid, IDLE) is None
    sid = sessions.start_session(db, user_id=user.id)
    accounts.change_user(db, "zhang", scope="330103002000")
    assert sessions.resume(db, sid, IDLE) is None
    sid = sessions.start_session(db, user_id=user.id)
    accounts.remove_user(db, "zhang")
    assert sessions.resume(db, sid, IDLE) is None


def test_kiosk_tokens_are_stored_hashed_expire_and_revoke_their_sessions(db):
    token = accounts.add_token(db, SCOPE, days=2, label="lobby")
    row = accounts.usable_token(db, token)
    assert row is not None and row.scope == SCOPE
    with store.engine(db).connect() as con:
        dump = " ".join(str(v) for r in con.execute(text("SELECT * FROM kiosk_token")) for v in r)
    assert token not in dump
    sid = sessions.start_session(db, token_id=row.id)
    assert sessions.resume(db, sid, IDLE).kiosk is True
    accounts.revoke_token(db, row.id)
    assert accounts.usable_token(db, token) is None
    assert sessions.resume(db, sid, IDLE) is None
    old = accounts.add_token(db, SCOPE, days=1)
    with store.engine(db).begin() as con:
        con.execute(text("UPDATE kiosk_token SET expires = :t WHERE revoked IS NULL"),
                    {"t": utcnow() - dt.timedelta(seconds=1)})  # fmt: skip
    assert accounts.usable_token(db, old) is None
    assert accounts.usable_token(db, "made-up") is None


def test_the_audit_log_is_append_only(db):
    audit.record(db, "login", "zhang", ip="127.0.0.1", detail={"k": 1})
    audit.record(db, "export", "li", area=SCOPE)
    assert [e.kind for e in audit.events(db)] == ["export", "login"]
    assert [e.actor for e in audit.events(db, user="zhang")] == ["zhang"]
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), store.engine(db).begin() as con:
            con.execute(text(statement))
    # Nor the ways round the triggers: SQLite's INSERT OR REPLACE over a row, TRUNCATE.
    first = min(e.id for e in audit.events(db))
    sneaky = (
        f"INSERT OR REPLACE INTO audit_event (id, at, kind, actor) VALUES ({first}, "
        "'2020-01-01 00:00:00', 'login', 'x')"
        if db.startswith("sqlite") else "TRUNCATE audit_event"
    )  # fmt: skip
    with pytest.raises(Exception, match="append-only"), store.engine(db).begin() as con:
        con.execute(text(sneaky))
    assert audit.count(db) == 2
    with pytest.raises(ValueError):
        audit.record(db, "made_up_kind")


def test_the_audit_chain_holds_until_a_row_is_changed_behind_the_triggers(db):
    for n in range(5):
        audit.record(db, "page_view", f"user-{n}", path=f"/street/{n}", detail={"n": n})
    assert audit.verify(db) == (5, None)
    done = run_cockpit_on(db, "audit", "verify")
    assert done.returncode == 0 and "5 row(s), the chain holds" in done.stdout
    # Someone with the database file changes a row, with the triggers set aside.
    with store.engine(db).begin() as con:
        if db.startswith("sqlite"):
            con.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            con.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        con.execute(text("UPDATE audit_event SET actor = 'nobody' WHERE actor = 'user-2'"))
    held, broken = audit.verify(db)
    assert held == 2 and "changed after it was written" in broken
    done = run_cockpit_on(db, "audit", "verify")
    assert done.returncode == 1 and "BROKEN after 2 row(s)" in done.stderr


def run_cockpit_on(db: str, *args: str):
    """The ``cockpit`` command against this application database."""
    import tempfile

    from tests.helpers.cockpits import make_settings, run_cockpit

    settings = make_settings(Path(tempfile.mkdtemp())).with_overrides(app_db=db)
    return run_cockpit(settings, *args)
