"""A real cockpit server on a free local port, and headless Chromium to drive it.

A missing browser is a failure, never a skip: `make test` installs Debian's chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.helpers.browser import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    TrackedPage,
    area_points,
    browser_sign_in,
    chromium_path,
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


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


@pytest.fixture(scope="session")
def areas(demo) -> dict[str, dict]:
    return area_points(demo)
