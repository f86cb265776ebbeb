"""Shared fixtures: a demo district loaded into a real warehouse in a temporary folder."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's extracts, generated once (the demo is the same every run)."""
    from pipelines.demo import write_demo

    settings = make_settings(tmp_path_factory.mktemp("extracts"))
    write_demo(settings)
    return settings.inbox


@pytest.fixture
def drop_demo(demo_extracts: Path):
    """Drop the demo's extracts into a cockpit's inbox, as an operator would."""

    def drop(settings: Settings) -> None:
        shutil.copytree(demo_extracts, settings.inbox, dirs_exist_ok=True)

    return drop


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_extracts: Path) -> Settings:
    """The demo district, refreshed once for the whole session."""
    from pipelines.publish.refresh import run_refresh

    settings = make_settings(tmp_path_factory.mktemp("demo"))
    shutil.copytree(demo_extracts, settings.inbox)
    report = run_refresh(settings, echo=lambda _line: None)
    assert report.ok, (report.failed_sources, report.layer_errors)
    return settings


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
    """A district administrator, a street, a community and a park official, and kiosk
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
        ("street", "viewer", STREET),
        ("community", "viewer", COMMUNITY),
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

    with app_for(copy_of_demo(demo, tmp_path_factory.mktemp("site"))) as site:
        yield site
