"""``cockpit install-service``: systemd units that systemd itself accepts, for serve and
schedule, and a secrets file readable by root alone that is never overwritten."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cockpit.connections import SqlPull
from tests.helpers.cockpits import make_settings, run_cockpit


def _verify(*units: Path) -> subprocess.CompletedProcess:
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze is required: apt-get install systemd (.ci/run does)")
    return subprocess.run(["systemd-analyze", "verify", *map(str, units)],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


def test_units_for_serve_and_schedule_that_systemd_accepts(tmp_path):
    settings = make_settings(tmp_path / "site").with_overrides(sources={"health": SqlPull.model_validate(
        {"from": "sql", "url_env": "HEALTH_DB_URL", "query": "select 1"})})  # fmt: skip
    units, env_file = tmp_path / "units", tmp_path / "etc" / "cockpit.env"
    done = run_cockpit(settings, "install-service", "--user", "nobody", "--dest", str(units),
                       "--env-file", str(env_file))  # fmt: skip
    assert done.returncode == 0, done.stderr
    serve, schedule = units / "cockpit-serve.service", units / "cockpit-schedule.service"
    for unit, command in ((serve, "serve"), (schedule, "schedule")):
        text = unit.read_text()
        assert "Restart=on-failure" in text and "StandardOutput=journal" in text
        assert f"EnvironmentFile={env_file}" in text and "User=nobody" in text
        executable, verb = re.search(r"^ExecStart=(\S+) (\w+)$", text, re.M).groups()
        assert Path(executable).is_file() and verb == command
    checked = _verify(serve, schedule)
    assert checked.returncode == 0, checked.stderr

    secrets_text = env_file.read_text()
    assert env_file.stat().st_mode & 0o777 == 0o600
    assert re.search(r"^COCKPIT_SECRET_KEY=[0-9a-f]{64}$", secrets_text, re.M)
    assert re.search(r"^COCKPIT_METRICS_TOKEN=\S{40,}$", secrets_text, re.M)
    assert re.search(r"^HEALTH_DB_URL=$", secrets_text, re.M)  # for the operator to fill
    # A second run rewrites the units and keeps the secrets as they are.
    again = run_cockpit(settings, "install-service", "--user", "nobody", "--dest", str(units),
                        "--env-file", str(env_file))  # fmt: skip
    assert again.returncode == 0 and "kept" in again.stdout
    assert env_file.read_text() == secrets_text
