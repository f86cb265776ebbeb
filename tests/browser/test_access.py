"""Signing in, signing out, idle expiry, lockout, rate limiting and kiosk tokens, in
headless Chromium against a served cockpit with an application database of its own."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import requests
from sqlalchemy import text

from cockpit import store
from cockpit.store import accounts, audit, utcnow
from tests.helpers.browser import TrackedPage, browser_sign_in
from tests.helpers.cockpits import PASSWORD, REPO, STREET, csrf_token, serve_cockpit, settings_env

pytestmark = pytest.mark.browser
LOCKOUT = 3
RATE = 12


@pytest.fixture(scope="module")
def gated(demo, tmp_path_factory):
    """The demo's data, served with its own accounts: one worker, so that the sign-in
    rate limit is counted in one place."""
    root = tmp_path_factory.mktemp("gated")
    settings = demo.with_overrides(
        app_db=f"sqlite:///{root / 'app.db'}", secret_key_file=root / "secret.key"
    )
    store.migrate(settings.app_db)
    accounts.add_user(settings.app_db, "street-official", "viewer", STREET, PASSWORD)
    accounts.add_user(settings.app_db, "to-lock", "viewer", STREET, PASSWORD)
    env = {"COCKPIT_WORKERS": "1", "COCKPIT_LOCKOUT_ATTEMPTS": str(LOCKOUT),
           "COCKPIT_LOGIN_RATE_LIMIT": f"{RATE} per minute"}  # fmt: skip
    with serve_cockpit(settings, **env) as url:
        yield settings, url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    tracked = TrackedPage(page)
    yield tracked
    assert tracked.external_requests() == []
    context.close()


def test_sign_in_opens_the_page_asked_for_and_sign_out_closes_it(gated, page: TrackedPage):
    settings, url = gated
    p = page.page
    p.goto(f"{url}/street/{STREET[:9]}")
    p.wait_for_url("**/login?next=*")
    p.fill("#login-name", "street-official")
    p.fill("#login-password", "not the password")
    p.click("#login-submit")
    assert "用户名或密码错误" in p.locator("#login-error").inner_text()
    # The form keeps where the visitor was going.
    p.fill("#login-name", "street-official")
    p.fill("#login-password", PASSWORD)
    p.click("#login-submit")
    p.wait_for_selector("#signed-in-as")
    assert p.url.endswith(f"/street/{STREET[:9]}")
    assert "长庆街道" in p.locator(".area-name").inner_text()
    assert "street-official" in p.locator("#signed-in-as").inner_text()
    # Another street is as if it did not exist.
    p.goto(f"{url}/street/330103002")
    p.wait_for_selector(".not-found")
    cookie = next(c for c in p.context.cookies() if c["name"] == "session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    p.goto(f"{url}/")
    p.click("#logout-button")
    p.wait_for_url("**/login")
    p.goto(f"{url}/")
    p.wait_for_url("**/login?next=*")
    kinds = [e.kind for e in audit.events(settings.app_db, user="street-official")]
    assert {"login_failed", "login", "page_view", "logout"} <= set(kinds)


def test_a_session_ends_after_the_idle_time(gated, page: TrackedPage):
    settings, url = gated
    p = page.page
    browser_sign_in(p, url, {"name": "street-official", "password": PASSWORD})
    p.wait_for_selector("#signed-in-as")
    with store.engine(settings.app_db).begin() as con:  # 31 minutes without a request
        con.execute(
            text("UPDATE login_session SET last_seen = :t WHERE ended IS NULL"),
            {"t": utcnow() - dt.timedelta(minutes=settings.session_idle_minutes + 1)},
        )
    p.reload()
    p.wait_for_url("**/login?next=*")
    assert p.locator("#login-name").is_visible()
    with store.engine(settings.app_db).connect() as con:
        live = con.execute(text("SELECT count(*) FROM login_session WHERE ended IS NULL"))
        assert live.scalar() == 0  # the idle session was ended on the server, not only hidden


def test_guessing_is_held_up_and_says_nothing_of_the_account(gated, page: TrackedPage):
    settings, url = gated
    p = page.page
    said = {}
    for name in ("to-lock", "no-such-person"):
        for _ in range(LOCKOUT):
            p.goto(f"{url}/login")
            p.fill("#login-name", name)
            p.fill("#login-password", "guess")
            p.click("#login-submit")
            said.setdefault(name, []).append(p.locator("#login-error").inner_text())
        p.goto(f"{url}/login")
        p.fill("#login-name", name)
        p.fill("#login-password", PASSWORD)
        p.click("#login-submit")
        said[name].append(p.locator("#login-error").inner_text())
    # An existing name and an unknown one read the same, the right password held up too.
    assert said["to-lock"] == said["no-such-person"]
    assert said["to-lock"][-1] == "尝试次数过多，请稍后再试。"
    assert "锁定" not in " ".join(said["to-lock"])


def test_a_kiosk_token_opens_a_wall_until_it_is_revoked(gated, page: TrackedPage):
    settings, url = gated
    token = accounts.add_token(settings.app_db, STREET, 1, "lobby")
    p = page.page
    p.goto(f"{url}/wall?token={token}&dwell=600")
    p.wait_for_selector("#wall-map .js-plotly-plot")
    assert "token" not in p.url  # the token left the address bar
    assert p.locator("#wall-area").inner_text() == "长庆街道"
    # Read-only and scoped: another street, and the admin pages, are not its to open.
    p.goto(f"{url}/street/330103002")
    p.wait_for_selector(".not-found")
    assert requests.get(f"{url}/admin/audit", cookies={c["name"]: c["value"] for c in
                        p.context.cookies()}, timeout=30).status_code == 403  # fmt: skip
    token_id = accounts.usable_token(settings.app_db, token).id
    revoked = subprocess.run(
        [sys.executable, "-m", "commands.cli", "tokens", "revoke", str(token_id)],
        cwd=REPO, env={**os.environ, **settings_env(settings)}, capture_output=True, text=True,
    )  # fmt: skip
    assert revoked.returncode == 0, revoked.stderr
    p.goto(f"{url}/wall")
    p.wait_for_url("**/login?next=*")
    p.goto(f"{url}/wall?token={token}")
    assert "revoked" in p.locator("body").inner_text()
    kinds = {e.kind for e in audit.events(settings.app_db)}
    assert {"token_use", "token_change", "denied"} <= kinds


def test_sign_in_attempts_are_rate_limited(gated):
    _, url = gated
    http = requests.Session()
    codes = []
    for _ in range(RATE + 3):
        form = http.get(f"{url}/login", timeout=30).text
        codes.append(http.post(f"{url}/login", data={"csrf_token": csrf_token(form),
                               "name": "nobody", "password": "x"}, timeout=30).status_code)  # fmt: skip
    assert 429 in codes and 500 not in codes
