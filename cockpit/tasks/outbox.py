"""Notifications sent off the request: a small pool of worker threads per process, fed
through its queue, so that a slow or unreachable robot (each delivery is retried with
backoff) never holds up the official who dispatched a task, and a burst of dispatches
never starts a thread each. Each delivery's outcome is recorded by ``notify.send``;
``drain`` waits for what is queued (tests, and a worker shutting down)."""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait

from cockpit.areatree import AreaTree
from cockpit.settings import Settings
from cockpit.tasks import notify

log = logging.getLogger(__name__)
# Deliveries at once per process: robots rate-limit per group, so more would not help.
WORKERS = 2

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pending: set[Future] = set()


def _executor() -> ThreadPoolExecutor:
    # One pool per process, made on first use: gunicorn forks its workers after import,
    # and threads do not survive a fork.
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="notify")
            atexit.register(_pool.shutdown, wait=False, cancel_futures=False)
        return _pool


def _send(settings: Settings, events, tree: AreaTree, names: Mapping[str, str]) -> None:
    try:
        notify.send(settings, events, tree, names)
    except Exception:  # noqa: BLE001 - a broken notifier must never touch a request
        log.exception("notifications about %s failed", events)


def post(
    settings: Settings,
    events: list[tuple[int, notify.Event]],
    tree: AreaTree,
    names: Mapping[str, str],
) -> Future:
    """Queue the notifications of ``events``; returns at once."""
    future = _executor().submit(_send, settings, events, tree, dict(names))
    with _lock:
        _pending.add(future)
    future.add_done_callback(lambda f: _forget(f))
    return future


def _forget(future: Future) -> None:
    with _lock:
        _pending.discard(future)


def drain(timeout: float = 60) -> bool:
    """Wait until every queued notification has been delivered or has failed."""
    with _lock:
        pending = set(_pending)
    done, not_done = wait(pending, timeout=timeout)
    return not not_done
