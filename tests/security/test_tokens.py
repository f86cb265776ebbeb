"""Kiosk tokens are never written in clear: not in the audit log, not in the server's
access log; and a token made without ``--days`` expires (``kiosk_token_days``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from cockpit import store
from cockpit.store import accounts, audit, utcnow
from tests.helpers.cockpits import copy_of_demo, run_cockpit, serve_cockpit

STREET = "330103001000"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_token_is_in_no_log_and_no_audit_row(demo, tmp_path, log_format):
    settings = copy_of_demo(demo, tmp_path)
    store.migrate(settings.app_db)
    token = accounts.add_token(settings.app_db, STREET, 1, "test wall")
    with serve_cockpit(settings, COCKPIT_LOG_FORMAT=log_format) as url:
        wall = requests.get(f"{url}/wall?token={token}", timeout=30,
                            headers={"Referer": f"{url}/wall?token={token}"})  # fmt: skip
        assert wall.status_code == 200
    rows = audit.events(settings.app_db, kind="token_use")
    assert rows and all(token not in (r.path or "") for r in rows)
    assert any("token=[redacted]" in (r.path or "") for r in rows)
    (log,) = settings.warehouse.parent.glob("serve-*.log")
    text = log.read_text()
    assert token not in text
    if log_format == "text":
        assert "/wall?token=[redacted]" in text  # the line is there, its secret is not
        return
    # One JSON object a line, for a log collector: gunicorn's, the cockpit's, each request.
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    walls = [r for r in records if r.get("path") == "/wall" and r.get("status") == 302]
    assert walls and walls[0]["query"] == "token=[redacted]"
    assert walls[0]["referer"].endswith("/wall?token=[redacted]")
    assert {"time", "level", "logger", "method", "duration_ms"} <= set(walls[0])
    assert any(r.get("logger") == "gunicorn.error" for r in records)


def test_a_token_made_without_days_expires_by_default(demo, tmp_path):
    settings = copy_of_demo(demo, tmp_path).with_overrides(
        app_db=f"sqlite:///{tmp_path / 'app.db'}", kiosk_token_days=30
    )
    made = run_cockpit(settings, "tokens", "add", "--scope", STREET[:9])
    assert made.returncode == 0, made.stderr
    (row,) = accounts.list_tokens(settings.app_db)
    assert row.expires is not None
    assert abs(row.expires - (utcnow() + dt.timedelta(days=30))) < dt.timedelta(minutes=5)
    listed = run_cockpit(settings, "tokens", "list").stdout
    assert f"{row.expires:%Y-%m-%d}" in listed and "last used" in listed
