"""A department source pulled from a REST interface (``from = "api"``): a real HTTP server,
run by the test, hands out the health department's report in pages, behind an app key
with an HMAC signature (as public data platforms do) or a bearer token. A good pull
publishes what the file does; an interface answering 500, garbage, half a page or pages
without end fails with its cause, keeps what is served and shows no secret; and a pull
killed halfway leaves nothing half loaded."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import duckdb
import pandas as pd
import pytest

from cockpit.connections import ApiPull
from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version
from tests.helpers.cockpits import REPO, copy_of_demo, run_cockpit, settings_env

# Each test pulls into a cockpit of its own and refreshes it: an operator's whole flow.
pytestmark = pytest.mark.flows

APP_KEY, APP_SECRET = "district-cockpit", "s3cret-of-the-platform-9f2c"
PAGE = 250


class Platform:
    """The public data platform's interface: ``mode`` says how it behaves."""

    def __init__(self, records: list[dict]) -> None:
        self.records, self.mode, self.requests = records, "ok", []
        self.stall = threading.Event()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:
                platform.requests.append(self.path)
                query = parse_qs(urlsplit(self.path).query)
                page = int(query.get("pageNo", ["1"])[0])
                status, body = platform.answer(self.headers, page)
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.end_headers()
                # A pull killed mid-answer has gone: nobody to write to.
                with contextlib.suppress(BrokenPipeError):
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/health/monthly"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def signed(self, headers) -> bool:
        stamp, signature = headers.get("X-Timestamp", ""), headers.get("X-Signature", "")
        good = hmac.new(APP_SECRET.encode(), (APP_KEY + stamp).encode(), hashlib.sha256)
        fresh = stamp.isdigit() and abs(time.time() * 1000 - int(stamp)) < 60_000
        return (
            headers.get("X-App-Key") == APP_KEY
            and fresh
            and hmac.compare_digest(good.hexdigest(), signature)
        )

    def answer(self, headers, page: int) -> tuple[int, bytes]:
        if not self.signed(headers):
            return 401, b'{"code": 401, "msg": "bad signature"}'
        if self.mode == "500":
            return 500, b'{"code": 500}'
        if self.mode == "garbage":
            return 200, b"<html>maintenance</html>"
        rows = self.records[(page - 1) * PAGE : page * PAGE]
        if self.mode == "endless":
            rows = self.records[:PAGE]
        if self.mode == "stall" and page == 3:
            self.stall.set()
            time.sleep(60)
        body = json.dumps({"code": 0, "data": {"rows": rows}}, ensure_ascii=False).encode()
        if self.mode == "half" and page == 2:
            return 200, body[: len(body) // 2]
        return 200, body


@pytest.fixture
def platform(demo_extracts):
    report = next((demo_extracts / "health").glob("*.csv"))
    records = pd.read_csv(report, dtype=str, encoding="utf-8-sig").to_dict("records")
    served = Platform(records)
    yield served
    served.server.shutdown()


def _source(url: str, **changes) -> ApiPull:
    return ApiPull.model_validate(
        {"from": "api", "url": url, "records": "data.rows",
         "paginator": {"type": "page", "page_param": "pageNo", "size_param": "pageSize",
                       "size": PAGE},
         "auth": {"type": "app_key_hmac", "app_key_env": "HEALTH_APP_KEY",
                  "app_secret_env": "HEALTH_APP_SECRET"},
         "retries": 1, "requests_per_second": 200, "max_pages": 40, **changes}
    )  # fmt: skip


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("HEALTH_APP_KEY", APP_KEY)
    monkeypatch.setenv("HEALTH_APP_SECRET", APP_SECRET)


def _values(settings) -> pd.DataFrame:
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    try:
        return con.execute(
            "SELECT indicator_id, area_code, period, value FROM ind.indicator_value "
            "WHERE indicator_id IN ('family_doctor_coverage', 'clinic_visits') ORDER BY ALL"
        ).df()
    finally:
        con.close()


def test_a_signed_paged_interface_publishes_what_the_file_does(demo, platform, keys, tmp_path):
    settings = copy_of_demo(demo, tmp_path).with_overrides(
        sources={"health": _source(platform.url)}
    )
    lines: list[str] = []
    report = run_refresh(settings, ["health"], echo=lines.append)
    assert report.ok, lines
    assert any("pulled (api): 1,800 rows" in line for line in lines), lines
    # 1,800 records in pages of 250: 8 pages, the last empty one saying it is over.
    assert len(platform.requests) == 9
    pd.testing.assert_frame_equal(_values(settings), _values(demo))


@pytest.mark.parametrize(
    "mode, cause",
    [
        ("500", "answered HTTP 500"),
        ("garbage", "cannot be read"),
        ("half", "page 2: the answer cannot be read"),
        ("endless", "more than 40 pages"),
        ("unsigned", "answered HTTP 401"),
    ],
)
def test_a_broken_interface_fails_with_its_cause_and_keeps_what_is_served(
    demo, platform, keys, tmp_path, monkeypatch, mode, cause
):
    if mode == "unsigned":
        monkeypatch.setenv("HEALTH_APP_SECRET", "a-wrong-secret-" + APP_SECRET[:4])
    else:
        platform.mode = mode
    settings = copy_of_demo(demo, tmp_path).with_overrides(
        sources={"health": _source(platform.url)}
    )
    served = _values(settings)
    result = run_cockpit(settings, "refresh", "health")
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "health" in out and cause in out, out
    assert APP_SECRET not in out and "a-wrong-secret" not in out
    pd.testing.assert_frame_equal(_values(settings), served)
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    status, message = con.execute(
        "SELECT last_status, last_message FROM meta.source WHERE source = 'health'"
    ).fetchone()
    con.close()
    assert status == "failed" and cause in message
    assert not list(settings.inbox.glob("health/*.csv"))


@pytest.mark.soak
def test_a_pull_killed_halfway_leaves_nothing_half_loaded(demo, platform, keys, tmp_path):
    platform.mode = "stall"
    settings = copy_of_demo(demo, tmp_path).with_overrides(
        sources={"health": _source(platform.url)}
    )
    served_version = current_version(settings)
    served = _values(settings)
    env = {"PATH": "/usr/bin:/bin", **settings_env(settings)}
    assert env["HEALTH_APP_SECRET"] == APP_SECRET
    refresh = subprocess.Popen(
        [sys.executable, "-m", "commands.cli", "refresh", "health"], cwd=REPO, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        assert platform.stall.wait(120), "the pull never reached its third page"
        os.killpg(refresh.pid, signal.SIGKILL)
        refresh.wait(30)
    finally:
        if refresh.poll() is None:
            os.killpg(refresh.pid, signal.SIGKILL)
    # Killed between pages: the served version and its values stand, and the inbox holds
    # no pulled file that a later refresh would take for a whole one.
    assert current_version(settings) == served_version
    pd.testing.assert_frame_equal(_values(settings), served)
    assert not list(settings.inbox.glob("health/*.csv"))
    # The next refresh pulls again, whole, and publishes.
    platform.mode = "ok"
    lock = settings.warehouse.parent / ".refresh.lock"
    assert run_refresh(settings, ["health"], echo=lambda _l: None).ok, lock
    pd.testing.assert_frame_equal(_values(settings), _values(demo))
