"""kill -9 during a refresh: the last good warehouse stays served, the dashboard keeps
answering throughout, and the next refresh cleans up and succeeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version, versions_dir
from tests.helpers.cockpits import REPO, make_settings, serve_cockpit, settings_env

# Kill after this many lines of progress (one per extract, then the layers), or after
# this many seconds: points all through a refresh.
KILL_AFTER_LINES = (0, 1, 2, 4, 6)
KILL_AFTER_SECONDS = (0.3, 1.2, 2.5)


class Poller(threading.Thread):
    """Asks the dashboard for its health every 50 ms and remembers every answer."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url + "/api/health"
        self.answers: list[tuple[int, str | None]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    body = json.loads(response.read())
                    self.answers.append((response.status, body.get("version")))
            except Exception as exc:  # noqa: BLE001 - any failure to answer is what we count
                self.answers.append((0, repr(exc)))
            time.sleep(0.05)


def _touch_hotline(settings, n: int) -> None:
    """A newer hotline extract (one more ticket), so the refresh has real loading to do."""
    path = next((settings.inbox / "hotline").glob("*.csv"))
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            f"XC9{n:08d},2019-12-31 10:00:00,城市管理,330103001051,120.16,30.27,"
            "2019-12-31 10:10:00,2019-12-31 12:00:00,王先生,13800000000\n"
        )


def _refresh_process(settings) -> subprocess.Popen:
    env = {**os.environ, **settings_env(settings), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "commands.cli", "refresh"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _shape(settings) -> tuple[int, int, int]:
    """What a whole warehouse of the demo has: indicators, values, and the areas' count."""
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM ind.indicator), "
            "(SELECT count(*) FROM ind.indicator_value), (SELECT count(*) FROM ind.area)"
        ).fetchall()[0]
    finally:
        con.close()


def _served_is_whole(settings, whole: tuple[int, int, int]) -> str:
    """The served version has every indicator, value and area of a complete refresh of
    the demo (one more ticket changes values, not how many there are)."""
    assert _shape(settings) == whole
    return current_version(settings).name


def _has_ticket(settings, n: int) -> bool:
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    try:
        return (
            con.execute(
                "SELECT count(*) FROM stg.hotline_ticket WHERE ticket_id = ?", [f"XC9{n:08d}"]
            ).fetchall()[0][0]
            == 1
        )
    finally:
        con.close()


@pytest.mark.soak
def test_kill_9_at_any_point_leaves_the_last_good_warehouse_served(tmp_path: Path, drop_demo):
    settings = make_settings(tmp_path)
    drop_demo(settings)
    assert run_refresh(settings, echo=lambda _l: None).ok
    whole = _shape(settings)
    assert whole[0] == 55 and whole[2] == 85  # every layer, district + 8 + 75 + the park
    published = {_served_is_whole(settings, whole)}

    with serve_cockpit(settings) as url:
        poller = Poller(url)
        poller.start()
        n = 0
        for lines in KILL_AFTER_LINES:
            n += 1
            drop_demo(settings)
            _touch_hotline(settings, n)
            before = _served_is_whole(settings, whole)
            proc = _refresh_process(settings)
            for _ in range(lines):
                proc.stdout.readline()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            # Either the last good one is still served, or the killed refresh had finished
            # publishing: then the new version is whole and holds its new ticket.
            after = _served_is_whole(settings, whole)
            assert after == before or _has_ticket(settings, n), (before, after)
            published.add(after)
        for seconds in KILL_AFTER_SECONDS:
            n += 1
            drop_demo(settings)
            _touch_hotline(settings, n)
            proc = _refresh_process(settings)
            time.sleep(seconds)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            published.add(_served_is_whole(settings, whole))

        # The next refresh cleans up after the killed ones and succeeds.
        n += 1
        drop_demo(settings)
        _touch_hotline(settings, n)
        proc = _refresh_process(settings)
        output, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, output
        published.add(_served_is_whole(settings, whole))
        assert _has_ticket(settings, n)
        time.sleep(0.5)
        poller.stop.set()
        poller.join(timeout=10)

    leftovers = [p.name for p in versions_dir(settings).iterdir() if not p.name.endswith(".duckdb")]
    assert leftovers == []
    failures = [a for a in poller.answers if a[0] != 200]
    assert failures == [], failures[:5]
    assert len(poller.answers) > 50
    # Every version the dashboard served was a whole, published one.
    assert {version for _, version in poller.answers} <= published
