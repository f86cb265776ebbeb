"""What a browser pays to open a cockpit: bytes over the wire (compressed, as served) and
the time from navigation to a drawn map, in headless Chromium on localhost, against
``cockpit serve`` (gunicorn) on a given warehouse."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_MAP_DRAWN = """() => {
    const gd = document.querySelector('#area-map .js-plotly-plot');
    const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    return sub && sub.map && sub.map.loaded() && gd.data.length >= 2 && gd.__fitted;
}"""
# Every response's bytes as they crossed the wire (after gzip), and when the map was drawn.
_MEASURE = """() => {
    const entries = [...performance.getEntriesByType('navigation'),
                     ...performance.getEntriesByType('resource')];
    return {bytes: entries.reduce((n, e) => n + (e.transferSize || 0), 0),
            requests: entries.length, drawn: performance.now()};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(env: dict[str, str], app: str | None = None) -> Iterator[str]:
    """The cockpit served by ``cockpit serve`` (or ``app``, a WSGI app's ``module:name``,
    by gunicorn with the same two workers) on a free port of loopback."""
    port = _free_port()
    command = (
        ["commands.cli", "serve"]
        if app is None
        else ["gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", app]
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=REPO, env={**os.environ, **env, "COCKPIT_PORT": str(port)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + ("/api/health" if app is None else "/"),
                                            timeout=2):  # fmt: skip
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("cockpit serve did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


def chromium(playwright):
    """Headless Chromium (Debian's, or ``COCKPIT_CHROMIUM``), WebGL in software."""
    return playwright.chromium.launch(
        executable_path=os.environ.get("COCKPIT_CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
    )


def refreshed_demo(root: Path) -> tuple[dict[str, str], object, list[Path]]:
    """The demo written and refreshed under ``root``: the environment that serves it, its
    settings, and the files the demo wrote."""
    from bench.city_scale import _env

    env = _env(root)
    os.environ.update(env)
    from cockpit import store
    from cockpit.settings import load_settings
    from pipelines.demo import write_demo
    from pipelines.publish.refresh import run_refresh

    settings = load_settings()
    written = write_demo(settings)
    assert run_refresh(settings, echo=lambda _line: None).ok
    store.migrate(settings.app_db)
    return env, settings, written


def district_token(settings, label: str) -> str:
    """A kiosk token for the district, as a wall screen is given one."""
    from cockpit.store import accounts

    return accounts.add_token(settings.app_db, "330103000000", 1, label)


RENDER_TOOL = REPO.parent / "shared" / "tools" / "render_bench.py"


def render_tool(url: str, runs: int, out: Path) -> dict:
    """The shared "all rendered" tool's result for ``url`` (cold and warm loads), also
    written to ``out``."""
    if not RENDER_TOOL.exists():
        raise SystemExit(f"{RENDER_TOOL} is not on this machine")
    done = subprocess.run(
        [sys.executable, str(RENDER_TOOL), url, "--runs", str(runs), "--out", str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    return json.loads(out.read_text())


def signed_in_cookie(url: str, env: dict[str, str]) -> str:
    """A district administrator made for the benchmark, signed in through the form."""
    import re

    import requests

    from cockpit.store import accounts

    name, password = "bench-browser", "bench password, not secret"
    if name not in {u.name for u in accounts.list_users(env["COCKPIT_APP_DB"])}:
        top = "330103000000"
        accounts.add_user(env["COCKPIT_APP_DB"], name, "admin", top, password)
    http = requests.Session()
    form = http.get(f"{url}/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    http.post(f"{url}/login", data={"csrf_token": token, "name": name, "password": password},
              timeout=30)  # fmt: skip
    return http.cookies["session"]


def load_rows(label: str, env: dict[str, str], path: str, repeat: int = 5) -> list[str]:
    """Markdown rows: first visit (cold cache) bytes and time to a drawn map, p50 of
    ``repeat`` fresh browser contexts."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("COCKPIT_CHROMIUM", "/usr/bin/chromium")
    with serving(env) as url, sync_playwright() as p:
        cookie = signed_in_cookie(url, env)
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        runs = []
        for _ in range(repeat + 1):
            # A cold cache every time, but a signed-in official's session cookie.
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            context.add_cookies([{"name": "session", "value": cookie, "url": url}])
            page = context.new_page()
            page.goto(url + path)
            page.wait_for_function(_MAP_DRAWN, timeout=30_000)
            drawn = page.evaluate(_MEASURE)
            page.wait_for_load_state("networkidle")
            total = page.evaluate(_MEASURE)
            runs.append((drawn["drawn"], total["bytes"], total["requests"]))
            context.close()
        browser.close()
    runs = sorted(runs[1:])  # the first warms the server's caches
    drawn_ms, size, requests = runs[len(runs) // 2]
    return [
        f"| {label}: navigation → drawn map, p50 of {repeat} | {drawn_ms / 1000:.2f} s | |",
        f"| {label}: initial load, compressed ({requests} requests) | {size / 1e6:.2f} MB | |",
    ]
