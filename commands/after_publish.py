"""What follows every publish, whoever ran the refresh (``cockpit refresh`` or ``cockpit
schedule``): the run in the audit log, the 督办 loop closed against the new data (verify,
reopen, escalate, notify), and the answer cache warmed for the top of the tree. One list
of steps, so that no way of refreshing skips one."""

from __future__ import annotations

from collections.abc import Callable

from cockpit.settings import Settings
from cockpit.store.audit import record_refresh
from dashboard.shell.warm import warm_top
from pipelines.publish.linkage import close_the_loop

Echo = Callable[[str], None]


def audit(settings: Settings, outcome: str, detail: dict, warn: Echo) -> None:
    """The refresh run in the audit log; a database that cannot take it is reported, and
    never undoes what was published."""
    problem = record_refresh(settings.app_db, outcome, detail)
    if problem:
        warn(problem)


def warm(settings: Settings) -> str:
    try:
        return warm_top(settings)
    except Exception as exc:  # noqa: BLE001 - a cold cache is slower, never wrong: the publish stands
        return f"cache: not warmed ({type(exc).__name__}: {exc})"


def after_publish(settings: Settings, outcome: str, detail: dict, echo: Echo, warn: Echo) -> None:
    audit(settings, outcome, detail, warn)
    for line in close_the_loop(settings):
        echo(line)
    echo(warm(settings))
