"""gunicorn's settings for ``cockpit serve`` beyond its command line: a worker that ends
(restarted after a crash, or at shutdown) has its live gauges dropped from /metrics, as
prometheus-client's multiprocess mode asks."""

from __future__ import annotations

from prometheus_client import multiprocess


def child_exit(server, worker) -> None:  # noqa: ANN001 - gunicorn's hook signature
    multiprocess.mark_process_dead(worker.pid)
