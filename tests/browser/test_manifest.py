"""Pinned to a phone's home screen: the web app manifest and its icons, as Chromium reads
them (the DevTools protocol's own installability check), in a real browser profile."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.helpers.browser import CHROMIUM_ARGS, browser_sign_in, chromium_path

pytestmark = pytest.mark.browser


def test_the_cockpit_can_be_pinned_to_a_home_screen(server, people, tmp_path, browser):
    # The session's Playwright (one per process), its Chromium launched again with a
    # profile on disk: an incognito context can never install anything.
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=chromium_path(), args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    browser_sign_in(page, server, people["district"])
    page.goto(server + "/")
    page.wait_for_selector("#headline-band")
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{server}/manifest.webmanifest"
    assert manifest["errors"] == []
    parsed = manifest["manifest"]
    assert parsed["name"].startswith("下城区") and parsed["display"] == "kStandalone"
    assert parsed["startUrl"] == f"{server}/"
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    # Each icon is a PNG of the size it declares.
    for icon in parsed["icons"]:
        answer = context.request.get(icon["url"])
        assert answer.status == 200 and answer.headers["content-type"] == "image/png"
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert Image.open(io.BytesIO(answer.body())).size == (width, height)
    context.close()


def test_the_manifest_is_read_without_signing_in(server):
    """A browser asks for the manifest without the session cookie: it must answer, and
    say no more than the sign-in page does."""
    import urllib.request

    with urllib.request.urlopen(server + "/manifest.webmanifest") as answer:
        assert answer.headers["Content-Type"] == "application/manifest+json"
        body = answer.read().decode()
    assert '"start_url":"/"' in body and "330103" not in body
