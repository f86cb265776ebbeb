"""督办 notifications: a message to the responsible level's group chat when a task is new,
overdue or reopened, in the DingTalk group-robot format.

Webhooks are listed in ``notify_file`` (TOML, kept beside the deployment, not in the
repository); each names the tasks it wants by area (that area and everything below it),
by department, or both, and which events. A robot's signing secret comes from the
environment variable the hook names, never from a file. Messages are markdown, signed
with HMAC-SHA256 over ``timestamp + "\\n" + secret`` as DingTalk asks. A delivery is
retried with backoff (tenacity) and recorded, sent or failed, in the application
database; a failed delivery never fails the action that caused it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
import tomllib
from collections.abc import Mapping
from typing import Literal
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tenacity import (
    RetryError,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from cockpit.areatree import AreaTree
from cockpit.settings import Settings, SettingsError
from cockpit.store import session, utcnow
from cockpit.store.models import Notification, Task

Event = Literal["new", "overdue", "reopened"]
EVENT_TITLES = {
    "new": "新派督办任务",
    "overdue": "督办任务逾期",
    "reopened": "督办任务核验未通过，已重开",
}
ATTEMPTS = 4
# DingTalk's answer when a robot sends too fast: worth another try.
_RATE_LIMITED = 130101


class Webhook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=128)
    url: str = Field(pattern=r"^https?://")
    secret_env: str | None = None
    areas: list[str] = []
    departments: list[str] = []
    events: list[Event] = ["new", "overdue", "reopened"]

    def wants(self, task: Task, event: Event, tree: AreaTree) -> bool:
        if event not in self.events:
            return False
        place = {task.area_code, *tree.ancestors(task.area_code)}
        by_area = bool(self.areas) and bool(place & set(self.areas))
        by_department = bool(self.departments) and task.department in self.departments
        return by_area or by_department


class _Retry(Exception):
    """A delivery worth trying again: the network, a 5xx, or DingTalk's rate limit."""


def webhooks(settings: Settings) -> list[Webhook]:
    """The configured webhooks; none when the file does not exist."""
    path = settings.notify_file
    if not path.exists():
        return []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        hooks = [Webhook(**hook) for hook in raw.get("webhook", [])]
    except (tomllib.TOMLDecodeError, ValidationError, TypeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    for hook in hooks:
        problem = refused_address(hook.url, settings)
        if problem:
            raise SettingsError(f"{path}: webhook {hook.name!r}: {problem}")
    return hooks


def refused_address(url: str, settings: Settings) -> str | None:
    """Why a webhook may not be sent to ``url``, or None. Only the hosts listed in
    ``webhook_hosts`` (DingTalk's by default), over https unless ``webhook_http``; an
    address on this machine or a private network only when listed by name."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.webhook_http):
        return f"{parts.scheme or 'no'} scheme: webhooks go over https (webhook_http allows http)"
    host = (parts.hostname or "").lower()
    allowed = {h.strip().lower() for h in settings.webhook_hosts.split(",") if h.strip()}
    if host not in allowed:
        return f"host {host or '-'} is not in webhook_hosts ({', '.join(sorted(allowed))})"
    return None


def signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """The robot's URL with DingTalk's ``timestamp`` and ``sign`` parameters."""
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote(base64.b64encode(digest).decode(), safe="")
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


def message(task: Task, event: Event, names: Mapping[str, str], public_url: str) -> dict:
    """A DingTalk markdown message about one task."""
    area = names.get(task.area_code, task.area_code)
    indicator = names.get(task.indicator_id, task.indicator_id)
    lines = [
        f"#### {EVENT_TITLES[event]} #{task.id}",
        f"- 指标：{indicator}",
        f"- 责任区域：{area}",
        f"- 数据期：{task.period}",
        f"- 办理期限：{task.due:%Y-%m-%d}",
    ]
    if task.escalated_to:
        lines.append(f"- 已逾期上报至：{names.get(task.escalated_to, task.escalated_to)}")
    if public_url:
        lines.append(f"- [查看任务]({public_url.rstrip('/')}/tasks/{task.id})")
    return {"msgtype": "markdown", "markdown": {"title": f"{EVENT_TITLES[event]}：{indicator}",
                                                "text": "\n".join(lines)}}  # fmt: skip


@retry(
    stop=stop_after_attempt(ATTEMPTS),
    wait=wait_exponential(multiplier=0.5, max=4),
    retry=retry_if_exception_type(_Retry),
)
def _post(client: httpx.Client, hook: Webhook, body: dict, tries: list[int]) -> None:
    tries.append(1)
    secret = os.environ.get(hook.secret_env, "") if hook.secret_env else ""
    url = signed_url(hook.url, secret) if secret else hook.url
    try:
        answer = client.post(url, json=body)
    except httpx.TransportError as exc:
        raise _Retry(f"cannot reach it: {exc}") from exc
    if answer.status_code >= 500:
        raise _Retry(f"HTTP {answer.status_code}")
    if answer.status_code >= 400:
        raise RuntimeError(f"HTTP {answer.status_code}: {answer.text[:200]}")
    code = (answer.json() if answer.content else {}).get("errcode", 0)
    if code == _RATE_LIMITED:
        raise _Retry("rate limited")
    if code:
        raise RuntimeError(f"errcode {code}: {answer.text[:200]}")


def send(
    settings: Settings,
    events: list[tuple[int, Event]],
    tree: AreaTree,
    names: Mapping[str, str],
) -> list[tuple[int, str, str]]:
    """Deliver each (task, event) to every webhook that wants it; record and return
    (task, hook, outcome) for each delivery."""
    hooks = webhooks(settings)
    if not hooks or not events:
        return []
    delivered = []
    with httpx.Client(timeout=5.0) as client, session(settings.app_db) as s:
        for task_id, event in events:
            task = s.get(Task, task_id)
            if task is None:
                continue
            for hook in (h for h in hooks if h.wants(task, event, tree)):
                tries: list[int] = []
                try:
                    _post(client, hook, message(task, event, names, settings.public_url), tries)
                    outcome, detail = "sent", None
                except RetryError as exc:
                    outcome, detail = "failed", str(exc.last_attempt.exception())
                except RuntimeError as exc:
                    outcome, detail = "failed", str(exc)
                record = Notification(
                    task_id=task.id, event=event, hook=hook.name, at=utcnow(),
                    attempts=len(tries), outcome=outcome, detail=detail,
                )  # fmt: skip
                s.add(record)
                delivered.append((task.id, hook.name, outcome))
    return delivered
