"""``cockpit backup`` and ``cockpit restore``: back up, wipe, restore, and the same users,
tasks, audit rows and pages come back, on SQLite and on PostgreSQL; a damaged backup or
one from a newer schema is refused before anything changes."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from cockpit import store
from cockpit.store import accounts, audit
from cockpit.store.backup import SQLITE_FILE
from cockpit.tasks.store import create
from tests.helpers.cockpits import REPO, copy_of_demo, environment_of

STREET = "330103001000"


def _cli(settings, config: Path, *args: str) -> tuple[int, str, str]:
    """The `cockpit` command against ``settings``, with its settings file at ``config``."""
    from commands.cli import run

    out, err = io.StringIO(), io.StringIO()
    with environment_of(settings) as patch:
        patch.setenv("COCKPIT_CONFIG", str(config))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def _state(url: str) -> dict:
    """What a refresh cannot rebuild, as rows."""
    with store.engine(url).connect() as con:
        read = {
            table: [tuple(r) for r in con.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in ("app_user", "task", "task_event", "audit_event", "api_key", "kiosk_token")
        }
    return read


@pytest.fixture
def cockpit(request, demo, tmp_path, db_url):
    """A cockpit of its own: the demo's published warehouse, a settings file and an area
    folder, and an application database with people, a task and an audit trail."""
    from cockpit.areatree import AreaTree
    from cockpit.tasks.store import Actor

    settings = copy_of_demo(demo, tmp_path / "site").with_overrides(app_db=db_url)
    config = tmp_path / "site" / "cockpit.toml"
    shutil.copyfile(REPO / "cockpit.toml", config)
    # The tree in force written out as `cockpit areas init` would: the demo's own.
    shutil.copytree(demo.reference, settings.areas)
    store.migrate(db_url)
    accounts.add_user(db_url, "区管理员", "admin", "330103000000", "correct horse battery staple 9")
    accounts.add_user(db_url, "街道处置", "handler", STREET, "another long passphrase 42")
    tree = AreaTree({"330103000000": None, STREET: "330103000000"})
    create(db_url, Actor("区管理员", "330103000000", role="admin"), tree,
           indicator_id="hotline_closed_48h", area_code=STREET, period="2019-12",
           severity="red", department="hotline", note="请核查")  # fmt: skip
    audit.record(db_url, "user_change", "cli:test", detail={"action": "add"})
    return settings, config


def _wipe(settings, config: Path) -> None:
    if settings.app_db.startswith("sqlite"):
        store.engine(settings.app_db).dispose()
        path = Path(settings.app_db.split(":///", 1)[1])
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
    else:
        # The database lost: every table gone.
        with store.engine(settings.app_db).begin() as con:
            for (table,) in con.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ):
                con.execute(text(f'DROP TABLE "{table}" CASCADE'))
    shutil.rmtree(settings.warehouse.parent)
    shutil.rmtree(settings.areas)
    config.write_text("# wiped\n", encoding="utf-8")


def _district_page(settings) -> str:
    from tests.helpers.inprocess import app_for

    with app_for(settings.with_overrides(cache="memory")) as site:
        visitor = site.visitor({"name": "区管理员", "password": "correct horse battery staple 9"})
        answer = visitor.get(f"{site.url}/export/alerts.csv?area=330103000000")
        assert answer.status_code == 200
        return answer.text


def test_backup_wipe_restore_brings_back_people_tasks_audit_and_pages(cockpit, tmp_path):
    settings, config = cockpit
    page = _district_page(settings)
    before, toml = _state(settings.app_db), config.read_text()
    served = settings.warehouse.resolve().name

    code, out, err = _cli(settings, config, "backup", str(tmp_path / "nightly"))
    assert code == 0, err
    assert "backed up to" in out
    manifest = json.loads((tmp_path / "nightly" / "manifest.json").read_text())
    assert f"warehouse/{served}" in manifest["files"] and "cockpit.toml" in manifest["files"]
    assert any(name.startswith("areas/") for name in manifest["files"])
    assert manifest["schema"] == audit_revision(settings.app_db)
    assert (tmp_path / "nightly").stat().st_mode & 0o777 == 0o700

    _wipe(settings, config)
    code, out, err = _cli(settings, config, "restore", str(tmp_path / "nightly"))
    assert code == 0, err

    after = _state(settings.app_db)
    # The backup's audit rows, then the restore's own.
    assert after["audit_event"][: len(before["audit_event"])] == before["audit_event"]
    assert _kinds(settings.app_db)[len(before["audit_event"]) :] == ["restore"]
    for table in ("app_user", "task", "task_event", "api_key", "kiosk_token"):
        assert after[table] == before[table], table
    assert audit.verify(settings.app_db)[1] is None  # the hash chain holds
    assert settings.warehouse.resolve().name == served
    assert config.read_text() == toml
    assert _district_page(settings) == page  # (its own sign-in is audited after the check)
    # What the restore replaced is kept, as a backup of its own.
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("nightly.replaced-")]
    assert len(kept) == 1 and (kept[0] / "manifest.json").exists()


def _kinds(url: str) -> list[str]:
    with store.engine(url).connect() as con:
        return [r[0] for r in con.execute(text("SELECT kind FROM audit_event ORDER BY id"))]


def audit_revision(url: str) -> str:
    from cockpit.store.backup import revision

    return revision(url)


def test_a_damaged_or_newer_backup_is_refused_and_nothing_changes(cockpit, tmp_path):
    settings, config = cockpit
    assert _cli(settings, config, "backup", str(tmp_path / "b"))[0] == 0
    before = _state(settings.app_db)
    damaged = tmp_path / "damaged"
    shutil.copytree(tmp_path / "b", damaged)
    copy = damaged / next(n for n in ("app.db", "app.pgdump") if (damaged / n).exists())
    copy.write_bytes(copy.read_bytes()[:-10] + b"0123456789")
    code, _, err = _cli(settings, config, "restore", str(damaged))
    assert code == 1
    assert f"{copy.name}: checksum differs" in err and "nothing was changed" in err

    newer = tmp_path / "newer"
    shutil.copytree(tmp_path / "b", newer)
    manifest = json.loads((newer / "manifest.json").read_text())
    manifest["schema"] = "0099_from_the_future"
    (newer / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = _cli(settings, config, "restore", str(newer))
    assert code == 1 and "newer than this cockpit's" in err

    code, _, err = _cli(settings, config, "backup", str(tmp_path / "b"))
    assert code == 1 and "exists" in err  # a backup is never written over
    assert _state(settings.app_db) == before
    assert not list(tmp_path.glob("*.replaced-*"))


def test_a_backup_of_sqlite_is_not_restored_into_postgresql(cockpit, tmp_path):
    settings, config = cockpit
    assert _cli(settings, config, "backup", str(tmp_path / "b"))[0] == 0
    other = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    if not settings.app_db.startswith("sqlite"):
        other = f"sqlite:///{tmp_path / 'other.db'}"
    code, _, err = _cli(
        settings.with_overrides(app_db=other), config, "restore", str(tmp_path / "b")
    )
    assert code == 1 and "application database" in err and "nothing was changed" in err
    assert (tmp_path / "b" / SQLITE_FILE).exists() == settings.app_db.startswith("sqlite")
