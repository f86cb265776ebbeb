"""A real cockpit server on a free local port, and headless Chromium to drive it.

A missing browser is a failure, never a skip: `make test` installs Debian's chromium.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import REPO, make_settings, serve_cockpit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
ARTIFACTS = REPO / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("COCKPIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("headless Chromium is required: apt-get install chromium (make browser-deps)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


class TrackedPage:
    """A page that remembers every URL the browser asked for."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def external_requests(self) -> list[str]:
        outside = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                outside.append(url)
        return outside


def browser_sign_in(page: Page, url: str, person: dict) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{url}/login")
    page.fill("#login-name", person["name"])
    page.fill("#login-password", person["password"])
    page.click("#login-submit")
    page.wait_for_url(lambda u: "/login" not in u)


@pytest.fixture
def as_person(browser: Browser) -> Iterator:
    """Opens pages signed in as a given person, each in a browser context of its own."""
    contexts = []

    def open_as(server: str, person: dict) -> TrackedPage:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        browser_sign_in(page, server, person)
        return TrackedPage(page)

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def signed_in_state(browser: Browser, server: str, people: dict) -> dict:
    """The cookies of a district administrator's session, for every page test."""
    context = browser.new_context()
    page = context.new_page()
    browser_sign_in(page, server, people["district"])
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def tracked(
    browser: Browser, request: pytest.FixtureRequest, signed_in_state: dict
) -> Iterator[TrackedPage]:
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="zh-CN", storage_state=signed_in_state
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    tracked = TrackedPage(page)
    yield tracked
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@contextlib.contextmanager
def serving_a_copy(demo, root: Path, change: str | None = None) -> Iterator[tuple]:
    """A cockpit of its own under ``root``, serving a copy of the demo's published
    warehouse, changed first by the SQL ``change`` if given. Yields (settings, url)."""
    # The same accounts and signing key as the demo's server: one sign-in serves both.
    settings = make_settings(root).with_overrides(
        app_db=demo.app_db, secret_key_file=demo.secret_key_file
    )
    versions = settings.warehouse.parent / "versions"
    versions.mkdir(parents=True)
    copy = versions / "cockpit-copy.duckdb"
    shutil.copy(demo.warehouse.resolve(), copy)
    if change:
        con = duckdb.connect(str(copy))
        con.execute(change)
        con.close()
    os.symlink(copy, settings.warehouse)
    with serve_cockpit(settings) as url:
        yield settings, url


@pytest.fixture(scope="session")
def areas(demo) -> dict[str, dict]:
    return area_points(demo)


def area_points(settings) -> dict[str, dict]:
    """Every area of a published warehouse by code: its place in the tree, its names and
    where its centroid is, to click it on a map."""
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    rows = con.execute(
        "SELECT a.code, a.parent_code, a.level, a.name_zh, a.name_en, s.centroid_lon, s.centroid_lat "
        "FROM ind.area a JOIN ind.area_shape s USING (code)"
    ).fetchall()
    con.close()
    keys = ("code", "parent_code", "level", "name_zh", "name_en", "lon", "lat")
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}
