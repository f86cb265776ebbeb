"""Headless Chromium as an official uses it: pages that remember every request, signing
in through the form, and a cockpit serving a copy of the demo."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
from playwright.sync_api import Page

from tests.helpers.cockpits import REPO, copy_of_demo, serve_cockpit

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


@contextlib.contextmanager
def serving_a_copy(demo, root: Path, change: str | None = None) -> Iterator[tuple]:
    """A cockpit of its own under ``root``, serving a copy of the demo's published
    warehouse, changed first by the SQL ``change`` if given. Yields (settings, url)."""
    settings = copy_of_demo(demo, root, change)
    with serve_cockpit(settings) as url:
        yield settings, url


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
