"""``/metrics`` for Prometheus: requests, refreshes, sources, tasks and the cache, summed
over gunicorn's workers; served to this machine or with the scrape token, never to
anyone else."""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from cockpit import store
from tests.helpers.cockpits import (
    REPO,
    copy_of_demo,
    free_port,
    run_cockpit,
    running,
    serve_cockpit,
)
from tests.helpers.inprocess import app_for


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def cockpit(demo, tmp_path):
    """The demo's warehouse with an application database of its own."""
    settings = copy_of_demo(demo, tmp_path / "site").with_overrides(
        app_db=f"sqlite:///{tmp_path / 'site' / 'app.db'}"
    )
    store.migrate(settings.app_db)
    return settings


def test_a_local_scrape_reads_sources_refreshes_tasks_and_the_cache(cockpit):
    import duckdb

    con = duckdb.connect(str(cockpit.warehouse.resolve()), read_only=True)
    sources = dict(con.execute(
        "SELECT source, sum(rows_rejected) FROM meta.load_run WHERE status = 'ok' GROUP BY source"
    ).fetchall())  # fmt: skip
    con.close()
    with app_for(cockpit.with_overrides(cache="memory")) as site:
        visitor = site.visitor()
        assert visitor.get(f"{site.url}/api/health").status_code == 200
        assert visitor.get(f"{site.url}/metrics").status_code == 200  # reads the warehouse
        answer = visitor.get(f"{site.url}/metrics")
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("text/plain")
        samples = _samples(answer.text)
    for source, rejected in sources.items():
        assert _value(samples, "cockpit_source_rows_rejected_total", source=source) == rejected
        assert _value(samples, "cockpit_source_runs_total", source=source, result="ok") >= 1
        assert _value(samples, "cockpit_source_data_age_seconds", source=source) > 0
        assert _value(samples, "cockpit_source_max_age_seconds", source=source) > 0
    assert _value(samples, "cockpit_http_requests_total", kind="health", status="2xx") >= 1
    assert _value(samples, "cockpit_tasks_open", severity="red") == 0
    assert _value(samples, "cockpit_refresh_runs_total", result="failed") == 0
    assert ("cockpit_warehouse_published_timestamp_seconds", ()) in samples
    # The first scrape's reads, through the answer cache.
    assert _value(samples, "cockpit_answer_cache_lookups_total", result="miss") >= 1


@pytest.mark.parametrize(
    "environ, headers",
    [
        ({"REMOTE_ADDR": "10.20.30.40"}, {}),
        ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "10.20.30.40"}),
        ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-Proto": "https"}),
        ({"REMOTE_ADDR": "10.20.30.40"}, {"Authorization": "Bearer not-the-token"}),
    ],
    ids=[
        "another machine",
        "through a reverse proxy",
        "through nginx as documented",
        "a wrong token",
    ],
)
def test_metrics_are_refused_to_anyone_else(cockpit, monkeypatch, environ, headers):
    monkeypatch.setenv("COCKPIT_METRICS_TOKEN", secrets.token_urlsafe(24))
    with app_for(cockpit.with_overrides(cache="memory")) as site:
        client = site.app.server.test_client()
        answer = client.get("/metrics", headers=headers, environ_base=environ)
        assert answer.status_code == 403
        assert b"cockpit_" not in answer.data


def test_the_scrape_token_opens_metrics_from_another_machine(cockpit, monkeypatch):
    token = secrets.token_urlsafe(24)
    monkeypatch.setenv("COCKPIT_METRICS_TOKEN", token)
    with app_for(cockpit.with_overrides(cache="memory")) as site:
        client = site.app.server.test_client()
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {token}"},
                            environ_base={"REMOTE_ADDR": "10.20.30.40"})  # fmt: skip
        assert answer.status_code == 200 and b"cockpit_source_runs_total" in answer.data


def _scrape(url: str) -> dict:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
        return _samples(response.read().decode())


def _count(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counts_are_summed_over_the_workers_and_a_failed_refresh_shows(cockpit):
    with serve_cockpit(cockpit) as url:
        first = _scrape(url)
        assert _count(first, "cockpit_http_requests_total", kind="health", status="2xx") == 0
        assert ("cockpit_refresh_last_failed", ()) not in first  # no refresh run yet
        for _ in range(40):
            with urllib.request.urlopen(url + "/api/health", timeout=10):
                pass
        # Two workers answered them; either one's scrape sums both.
        for _ in range(4):
            samples = _scrape(url)
            assert _count(samples, "cockpit_http_requests_total", kind="health", status="2xx") == 40

        done = run_cockpit(cockpit, "refresh", "no_such_source")
        assert done.returncode == 1
        samples = _scrape(url)
        assert _value(samples, "cockpit_refresh_last_failed") == 1.0
        assert _value(samples, "cockpit_refresh_runs_total", result="failed") == 1.0


RULES = REPO / "docs" / "monitoring" / "cockpit-alerts.yml"


def _promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    if shutil.which("promtool") is None:
        pytest.fail("promtool is required: apt-get install prometheus (.ci/run does)")
    return subprocess.run(["promtool", *args], input=stdin, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip


def test_the_shipped_alerting_rules_check_and_pass_their_unit_tests():
    checked = _promtool("check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = _promtool("test", "rules", str(Path(__file__).with_name("cockpit_alerts_test.yml")))
    assert tested.returncode == 0, tested.stdout + tested.stderr


@contextlib.contextmanager
def _prometheus(tmp: Path, target: str) -> Iterator[str]:
    """A real Prometheus server scraping ``target`` every second, with the shipped rules."""
    port = free_port()
    config = tmp / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: ['{RULES}']\n"
        "scrape_configs:\n"
        f"  - job_name: cockpit\n    static_configs: [{{targets: ['{target}']}}]\n",
        encoding="utf-8",
    )
    argv = ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}"]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with running(argv, url + "/-/ready", "Prometheus"):
        yield url


def _get_json(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read()
    except OSError:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return {}


def _until(ready, message: str, seconds: float = 45) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(message)
        time.sleep(0.5)


def test_prometheus_scrapes_the_cockpit_and_raises_the_refresh_alert(cockpit, tmp_path):
    with serve_cockpit(cockpit) as url:
        with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
            exposition = response.read().decode()
        linted = _promtool("check", "metrics", stdin=exposition)
        assert linted.returncode == 0, linted.stdout + linted.stderr
        with _prometheus(tmp_path, url.removeprefix("http://")) as prometheus:
            query = prometheus + "/api/v1/query?query=cockpit_source_runs_total"

            def scraped() -> bool:
                answer = _get_json(query)
                return bool(answer and answer["data"]["result"])

            _until(scraped, "Prometheus never scraped the cockpit's source metrics")
            assert run_cockpit(cockpit, "refresh", "no_such_source").returncode == 1

            def firing() -> bool:
                answer = _get_json(prometheus + "/api/v1/alerts") or {}
                alerts = answer.get("data", {}).get("alerts", [])
                return any(a["labels"]["alertname"] == "CockpitRefreshFailed"
                           and a["state"] == "firing" for a in alerts)  # fmt: skip

            _until(firing, "CockpitRefreshFailed did not fire after a failed refresh")
