"""``/metrics``: the cockpit for Prometheus (docs/operators.md, "Monitoring").

Requests (by kind of route, with their latency) and the answer cache's lookups are
counted in each gunicorn worker and summed over them by prometheus-client's multiprocess
mode (``cockpit serve`` gives the workers a folder for it). The data's state is read at
each scrape: each source's runs, rows and age from the served warehouse, refresh
outcomes from the audit log (a failed refresh publishes nothing, so only the log has
it), and open and overdue 督办 tasks from the application database. Served to this
machine, or with the scrape token (``access.auth``)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator

import flask
import pandas as pd
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from cockpit.settings import Settings
from cockpit.store import audit
from cockpit.tasks.rows import open_counts
from dashboard.access.auth import METRICS
from dashboard.reading import operations, warehouse

REQUESTS = Counter("cockpit_http_requests", "Requests answered", ["kind", "status"])
LATENCY = Histogram(
    "cockpit_http_request_duration_seconds",
    "Time to answer a request",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# A route's kind by the start of its path; the first that matches. Kinds, not paths, so
# that an area code or an indicator never becomes a label.
_KINDS = (
    ("/_dash-update-component", "callback"),
    ("/_dash-", "framework"),
    ("/assets/", "asset"),
    ("/_dash-component-suites/", "asset"),
    ("/api/v1/", "api"),
    ("/api/health", "health"),
    ("/geo/", "geo"),
    ("/export/", "export"),
    ("/tasks", "tasks"),
    ("/admin", "admin"),
    ("/login", "sign-in"),
    ("/logout", "sign-in"),
    (METRICS, "metrics"),
)


def route_kind(path: str) -> str:
    return next((kind for prefix, kind in _KINDS if path.startswith(prefix)), "page")


def _started() -> None:
    flask.g.metrics_started = time.perf_counter()


def _answered(response: flask.Response) -> flask.Response:
    started = flask.g.get("metrics_started")
    kind = route_kind(flask.request.path)
    REQUESTS.labels(kind, f"{response.status_code // 100}xx").inc()
    if started is not None:
        LATENCY.labels(kind).observe(time.perf_counter() - started)
    return response


def _epoch(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.timestamp()


class DataState(Collector):
    """The data's state, read when scraped."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        now = time.time()
        yield from self._sources(now)
        yield from self._refreshes()
        yield from self._tasks()

    def _sources(self, now: float) -> Iterator[Metric]:
        try:
            rows = operations.sources()
        except warehouse.NoWarehouse:
            return
        runs = CounterMetricFamily(
            "cockpit_source_runs",
            "Loads of a source's deliveries, by result",
            labels=["source", "result"],
        )
        loaded = CounterMetricFamily("cockpit_source_rows_loaded", "Rows loaded", labels=["source"])
        rejected = CounterMetricFamily(
            "cockpit_source_rows_rejected",
            "Rows rejected by the checks, kept aside",
            labels=["source"],
        )
        seconds = GaugeMetricFamily(
            "cockpit_source_last_run_seconds",
            "How long the source's last load took",
            labels=["source"],
        )
        age = GaugeMetricFamily(
            "cockpit_source_data_age_seconds",
            "Since the source's last good delivery",
            labels=["source"],
        )
        allowed = GaugeMetricFamily(
            "cockpit_source_max_age_seconds", "How old the source's data may be", labels=["source"]
        )
        for row in rows.itertuples(index=False):
            runs.add_metric([row.source, "ok"], float(row.runs_ok))
            runs.add_metric([row.source, "failed"], float(row.runs_failed))
            loaded.add_metric([row.source], float(row.rows_loaded))
            rejected.add_metric([row.source], float(row.rows_rejected))
            if row.last_seconds is not None and not pd.isna(row.last_seconds):
                seconds.add_metric([row.source], float(row.last_seconds))
            last = _epoch(row.last_success)
            if last is not None:
                age.add_metric([row.source], max(0.0, now - last))
            if row.max_age_days is not None and not pd.isna(row.max_age_days):
                allowed.add_metric([row.source], float(row.max_age_days) * 86400)
        yield from (runs, loaded, rejected, seconds, age, allowed)
        served = operations.served_refresh()
        if served is not None:
            published = GaugeMetricFamily(
                "cockpit_warehouse_published_timestamp_seconds",
                "When the served version was published",
            )
            published.add_metric([], _epoch(served["finished"]) or 0.0)
            took = GaugeMetricFamily(
                "cockpit_refresh_duration_seconds", "How long the refresh that published it took"
            )
            took.add_metric(
                [], (_epoch(served["finished"]) or 0.0) - (_epoch(served["started"]) or 0.0)
            )
            yield from (published, took)

    def _refreshes(self) -> Iterator[Metric]:
        counts, last = audit.refresh_outcomes(self.settings.app_db)
        runs = CounterMetricFamily(
            "cockpit_refresh_runs", "Refresh runs, by result", labels=["result"]
        )
        for outcome in sorted({"ok", "partial", "failed", *counts}):
            runs.add_metric([outcome], float(counts.get(outcome, 0)))
        yield runs
        if last is not None:
            at, outcome = last
            ended = GaugeMetricFamily(
                "cockpit_refresh_last_end_timestamp_seconds", "When the last refresh run ended"
            )
            ended.add_metric([], at.replace(tzinfo=dt.UTC).timestamp())
            failed = GaugeMetricFamily(
                "cockpit_refresh_last_failed", "1 when the last refresh run published nothing"
            )
            failed.add_metric([], 1.0 if outcome == "failed" else 0.0)
            yield from (ended, failed)

    def _tasks(self) -> Iterator[Metric]:
        counts = open_counts(self.settings.app_db)
        opened = GaugeMetricFamily(
            "cockpit_tasks_open", "督办 tasks not yet closed", labels=["severity"]
        )
        late = GaugeMetricFamily(
            "cockpit_tasks_overdue", "Open 督办 tasks past their due date", labels=["severity"]
        )
        for severity in sorted({"red", "amber", *counts}):
            n, overdue = counts.get(severity, (0, 0))
            opened.add_metric([severity], float(n))
            late.add_metric([severity], float(overdue))
        yield from (opened, late)


def metrics() -> flask.Response:
    # A registry per scrape: the workers' counters summed from their files (or this
    # process's, under the development server), and the data's state read now.
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        body = b""
    else:
        body = generate_latest(REGISTRY)
    registry.register(DataState(warehouse.settings()))
    body += generate_latest(registry)
    return flask.Response(
        body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], headers={"Cache-Control": "no-store"}
    )


def register(server: flask.Flask) -> None:
    server.before_request(_started)
    server.after_request(_answered)
    server.add_url_rule(METRICS, "metrics", metrics)
