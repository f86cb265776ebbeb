"""Shared fixtures: a demo district loaded into a real warehouse in a temporary folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cockpit.settings import Settings
from tests.helpers.cockpits import (
    COMMUNITY,
    PASSWORD,
    STREET,
    copy_of_demo,
    make_settings,
    serve_cockpit,
)
from tests.helpers.postgres import postgres_server  # noqa: F401  (a fixture for every test)


@contextlib.contextmanager
def shared_by_the_run(factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder every process of this test run shares (pytest-xdist's workers: the demo
    is the same for all, and building it twice costs each a few seconds), and whether it
    is built yet; whoever holds it builds it, the others wait."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder, (folder / ".built").exists()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's extracts, generated once for the run (the demo is the same every run)."""
    from pipelines.demo import write_demo

    with shared_by_the_run(tmp_path_factory, "extracts") as (folder, built):
        settings = make_settings(folder)
        if not built:
            write_demo(settings)
            (folder / ".built").touch()
    return settings.inbox


@pytest.fixture
def drop_demo(demo_extracts: Path):
    """Drop the demo's extracts into a cockpit's inbox, as an operator would."""

    def drop(settings: Settings) -> None:
        shutil.copytree(demo_extracts, settings.inbox, dirs_exist_ok=True)

    return drop


@pytest.fixture(scope="session")
def demo(
    tmp_path_factory: pytest.TempPathFactory, demo_extracts: Path, request: pytest.FixtureRequest
) -> Settings:
    """The demo district, refreshed once for the whole run; its published warehouse is
    shared read-only, and each process has its own application database, answer cache
    and signing key."""
    from pipelines.publish.refresh import run_refresh

    with shared_by_the_run(tmp_path_factory, "demo") as (folder, built):
        published = make_settings(folder)
        if not built:
            shutil.copytree(demo_extracts, published.inbox)
            report = run_refresh(published, echo=lambda _line: None)
            assert report.ok, (report.failed_sources, report.layer_errors)
            (folder / ".built").touch()
    own = make_settings(tmp_path_factory.mktemp("demo")).with_overrides(
        inbox=published.inbox, archive=published.archive, warehouse=published.warehouse
    )
    # The shared cockpit's application database on a RAM disk where there is one: every
    # request it answers appends a chained audit row, each a committed, fsynced write.
    ram = Path("/dev/shm")
    if ram.is_dir() and os.access(ram, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="cockpit-test-", dir=ram))
        request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
        own = own.with_overrides(app_db=f"sqlite:///{folder / 'app.db'}")
    return own


@pytest.fixture
def wh(demo: Settings):
    """A read-only connection to the published demo warehouse."""
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def server(demo) -> Iterator[str]:
    """The demo cockpit, served by `cockpit serve` for the whole session."""
    with serve_cockpit(demo) as url:
        yield url


@pytest.fixture(scope="session")
def people(demo: Settings) -> dict[str, dict]:
    """A district administrator, a street and a community handler (处置), and kiosk
    tokens for the district and for the street, in the demo cockpit's database."""
    from cockpit import store
    from cockpit.store import accounts

    store.migrate(demo.app_db)
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    district = con.execute("SELECT code FROM ind.area WHERE level = 'district'").fetchall()[0][0]
    con.close()
    out = {}
    for persona, role, scope in (
        ("district", "admin", district),
        ("street", "handler", STREET),
        ("community", "handler", COMMUNITY),
    ):
        name = f"test-{persona}"
        accounts.add_user(demo.app_db, name, role, scope, PASSWORD)
        out[persona] = {"name": name, "password": PASSWORD, "scope": scope}
    out["kiosk"] = {"token": accounts.add_token(demo.app_db, district, 1), "scope": district}
    out["kiosk_street"] = {"token": accounts.add_token(demo.app_db, STREET, 1), "scope": STREET}
    return out


@pytest.fixture(scope="session")
def site(demo: Settings, people: dict, tmp_path_factory: pytest.TempPathFactory):
    """The demo cockpit's app in this process (Flask's test client), for every check that
    needs the server's answers but not a browser. It reads a copy of the demo's warehouse:
    DuckDB keeps one instance per file in a process, and the tests that open the demo's
    own file open it their own way."""
    from tests.helpers.inprocess import app_for

    # Its answers kept in memory: the served cockpits of the browser tests keep the shared
    # folder of a deployment.
    served = copy_of_demo(demo, tmp_path_factory.mktemp("site")).with_overrides(cache="memory")
    with app_for(served) as site:
        yield site
