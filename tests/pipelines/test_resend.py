"""What is served for a month is the last file received for it: a file identical to the
one served now is skipped, and any other file applies, even one loaded before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb

from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version
from tests.helpers.cockpits import REPO, make_settings, run_cockpit, settings_env

HEADER = "统计期,社区编码,门诊人次,家庭医生签约人数,疫苗接种剂次\n"
# File A: December 2019 for two communities. B: the same months, "corrected".
A = HEADER + "2019-12,330103001051,1000,10,1\n2019-12,330103001052,2000,20,2\n"
B = HEADER + "2019-12,330103001051,1500,10,1\n2019-12,330103001052,2500,20,2\n"
A_TOTAL, B_TOTAL = 3000, 4000


def _send(settings, name: str, text: str, at: float | None = None) -> None:
    """A department drops a file into the inbox (at a given arrival time, if any)."""
    path = settings.inbox / "health" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8-sig")
    if at is not None:
        os.utime(path, (at, at))


def _served(settings) -> tuple[float, float, str]:
    """December's district clinic visits as published, as staged, and the serving file."""
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    try:
        published = con.execute(
            "SELECT value FROM ind.indicator_value WHERE indicator_id = 'clinic_visits' "
            "AND level = 'district' AND period = '2019-12'"
        ).fetchall()[0][0]
        staged, files = con.execute(
            "SELECT sum(clinic_visits), string_agg(DISTINCT _file) FROM stg.health_services "
            "WHERE period = '2019-12'"
        ).fetchall()[0]
        return published, staged, files
    finally:
        con.close()


def _refresh(settings):
    report = run_refresh(settings, ["health"], echo=lambda _l: None)
    assert report.ok, report.failed_sources
    return {f.file.name: f.status for f in report.files}


def test_a_then_b_then_a_again_serves_a(tmp_path):
    settings = make_settings(tmp_path)
    _send(settings, "门诊月报.csv", A)
    assert _refresh(settings) == {"门诊月报.csv": "ok"}
    assert _served(settings) == (A_TOTAL, A_TOTAL, "门诊月报.csv")

    _send(settings, "门诊月报_更正.csv", B)
    assert _refresh(settings) == {"门诊月报_更正.csv": "ok"}
    assert _served(settings) == (B_TOTAL, B_TOTAL, "门诊月报_更正.csv")

    # B was wrong after all: the department sends A again, byte for byte.
    _send(settings, "门诊月报.csv", A)
    assert _refresh(settings) == {"门诊月报.csv": "ok"}
    assert _served(settings) == (A_TOTAL, A_TOTAL, "门诊月报.csv")

    # A once more is what is served now: skipped, and nothing changes.
    served_version = current_version(settings)
    _send(settings, "门诊月报.csv", A)
    assert _refresh(settings) == {"门诊月报.csv": "unchanged"}
    assert _served(settings) == (A_TOTAL, A_TOTAL, "门诊月报.csv")
    assert current_version(settings) != served_version  # published, with the same values


def test_the_later_arrival_wins_within_one_refresh(tmp_path):
    settings = make_settings(tmp_path)
    now = time.time()
    # Sorted by name, A would load last; by arrival, B is the department's last word.
    _send(settings, "a_门诊月报_更正.csv", B, at=now)
    _send(settings, "b_门诊月报.csv", A, at=now - 3600)
    assert _refresh(settings) == {"a_门诊月报_更正.csv": "ok", "b_门诊月报.csv": "ok"}
    assert _served(settings) == (B_TOTAL, B_TOTAL, "a_门诊月报_更正.csv")


def test_cockpit_status_names_the_file_serving_each_month(tmp_path):
    settings = make_settings(tmp_path)
    _send(settings, "门诊月报_全年.csv", HEADER.replace("\n", "") + "\n" + "".join(
        f"2019-{m:02d},330103001051,{100 + m},10,1\n" for m in range(1, 13)
    ))  # fmt: skip
    _refresh(settings)
    _send(settings, "门诊月报_更正.csv", B)
    _refresh(settings)
    done = run_cockpit(settings, "status")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    lines = [line.strip() for line in out.splitlines()]
    assert any(
        line.startswith("serves 2019-01…2019-11 from 门诊月报_全年.csv, received ")
        for line in lines
    ), out
    assert any(line.startswith("serves 2019-12 from 门诊月报_更正.csv") for line in lines), out


def test_after_a_kill_9_resending_the_good_file_restores_it(tmp_path):
    settings = make_settings(tmp_path)
    _send(settings, "门诊月报.csv", A)
    _refresh(settings)
    _send(settings, "门诊月报_更正.csv", B)
    _refresh(settings)
    assert _served(settings)[0] == B_TOTAL

    # A is re-sent, and its refresh is killed once A is loaded, before it can publish.
    _send(settings, "门诊月报.csv", A)
    env = {**os.environ, **settings_env(settings), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "commands.cli", "refresh", "health"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    line = proc.stdout.readline()
    assert "门诊月报.csv" in line and "rows in" in line, line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _served(settings) == (B_TOTAL, B_TOTAL, "门诊月报_更正.csv")

    # The file is still in the inbox: the next refresh loads it, and A is served.
    assert (settings.inbox / "health" / "门诊月报.csv").exists()
    assert _refresh(settings) == {"门诊月报.csv": "ok"}
    assert _served(settings) == (A_TOTAL, A_TOTAL, "门诊月报.csv")
