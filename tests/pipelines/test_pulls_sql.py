"""A department source pulled from its database (``from = "sql"``): a real PostgreSQL
holding the health department's monthly report, pulled into a copy of the demo cockpit.
The same data through a file and through a database publishes the same values; an
incremental pull brings only what changed and keeps the rest of its month; and a wrong
password, an unreachable server or a renamed column fail with their cause, keep what is
served, and never show a secret."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from cockpit.connections import SqlPull
from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version
from tests.helpers.cockpits import copy_of_demo, run_cockpit
from tests.helpers.postgres import drop_postgres, fresh_postgres

# Each test pulls into a cockpit of its own and refreshes it: an operator's whole flow.
pytestmark = pytest.mark.flows

HEALTH = ("family_doctor_coverage", "clinic_visits", "vaccine_doses")
COMMUNITY = "330103001051"
FIRST_PULL = dt.datetime(2020, 1, 5, 8, 0)


def _source(**changes) -> SqlPull:
    return SqlPull.model_validate(
        {"from": "sql", "url_env": "HEALTH_DB_URL", "query": "select * from health_monthly",
         **changes}
    )  # fmt: skip


def _health_table(url: str, demo_extracts) -> None:
    report = next((demo_extracts / "health").glob("*.csv"))
    frame = pd.read_csv(report, dtype=str, encoding="utf-8-sig")
    frame["updated_at"] = FIRST_PULL
    engine = sa.create_engine(url)
    frame.to_sql("health_monthly", engine, index=False)
    engine.dispose()


@pytest.fixture
def health_db(postgres_server, demo_extracts):
    """The health department's database (PostgreSQL, pulled with COPY): its report as a
    table, with the time each row was last written."""
    url = fresh_postgres(postgres_server)
    _health_table(url, demo_extracts)
    yield url
    drop_postgres(postgres_server, url)


@pytest.fixture(params=["postgresql", "sqlite"])
def any_db(request, demo_extracts, tmp_path):
    """The same report in PostgreSQL (pulled with COPY) and in a SQLite file (pulled
    row by row through SQLAlchemy, the path every other database takes)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("health_db")
        return
    url = f"sqlite:///{tmp_path / 'health.db'}"
    _health_table(url, demo_extracts)
    yield url


def _values(settings) -> pd.DataFrame:
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    try:
        return con.execute(
            "SELECT indicator_id, area_code, period, value, status FROM ind.indicator_value "
            "WHERE list_contains($ids, indicator_id) ORDER BY ALL",
            {"ids": list(HEALTH)},
        ).df()
    finally:
        con.close()


def _upstream(url: str, sql: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as con:
        con.execute(sa.text(sql))
    engine.dispose()


def test_a_month_through_a_database_publishes_what_its_file_does(
    demo, any_db, tmp_path, monkeypatch
):
    monkeypatch.setenv("HEALTH_DB_URL", any_db)
    settings = copy_of_demo(demo, tmp_path).with_overrides(sources={"health": _source()})
    lines: list[str] = []
    report = run_refresh(settings, ["health"], echo=lines.append)
    assert report.ok, lines
    assert any("health      pulled (sql): 1,800 rows" in line for line in lines), lines
    pulled = _values(settings)
    from_file = _values(demo)
    assert len(pulled) == len(from_file) > 1_000
    pd.testing.assert_frame_equal(pulled, from_file)
    # The pulled file went through the contract and is archived as what was pulled.
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    file, rows_in, archived = con.execute(
        "SELECT file, rows_in, archive_path FROM meta.load_run WHERE refresh_id = ? "
        "AND source = 'health'",
        [report.refresh_id],
    ).fetchone()
    how = con.execute("SELECT how FROM meta.pull_state WHERE source = 'health'").fetchone()[0]
    con.close()
    assert file.startswith("health-pulled-") and rows_in == 1_800 and how == "sql"
    assert len((settings.archive / archived).read_text(encoding="utf-8").splitlines()) == 1_801


def test_an_incremental_pull_brings_only_the_changed_rows_and_keeps_their_months(
    demo, any_db, tmp_path, monkeypatch
):
    health_db = any_db
    monkeypatch.setenv("HEALTH_DB_URL", health_db)
    settings = copy_of_demo(demo, tmp_path).with_overrides(
        sources={"health": _source(incremental="updated_at")}
    )
    assert run_refresh(settings, ["health"], echo=lambda _l: None).ok
    before = _values(settings)
    # Upstream, one community's December is corrected.
    _upstream(
        health_db,
        "UPDATE health_monthly SET \"家庭医生签约人数\" = '3000', updated_at = '2020-02-01' "
        f"WHERE \"社区编码\" = '{COMMUNITY}' AND \"统计期\" = '2019-12'",
    )
    lines: list[str] = []
    report = run_refresh(settings, ["health"], echo=lines.append)
    assert report.ok, lines
    assert any("pulled (sql): 1 rows into health-pulled-" in line for line in lines), lines
    after = _values(settings)
    changed = after.merge(before, on=["indicator_id", "area_code", "period"], suffixes=("", "_was"))
    moved = changed[changed["value"] != changed["value_was"]]
    # The community's coverage, and its street's and district's with it; nothing else.
    assert set(moved["indicator_id"]) == {"family_doctor_coverage"}
    assert set(moved["period"]) == {"2019-12"}
    assert COMMUNITY in set(moved["area_code"])
    assert set(moved["area_code"]) <= {COMMUNITY, COMMUNITY[:9] + "000", "330103000000"}
    # Its month kept every other community's rows.
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    december = con.execute(
        "SELECT count(*) FROM stg.health_services WHERE period = '2019-12'"
    ).fetchone()[0]
    con.close()
    assert december == 75
    # Nothing changed upstream since: the next pull brings nothing.
    lines.clear()
    assert run_refresh(settings, ["health"], echo=lines.append).ok
    assert any("nothing past the last pull" in line for line in lines), lines


@pytest.mark.parametrize(
    "breakage, cause",
    [
        # Refused for its password where the server checks one, else for the role.
        ("password", "cockpit_puller"),
        ("unreachable", "127.0.0.1"),
        ("renamed", "家庭医生签约人数"),
    ],
)
def test_a_broken_database_fails_with_its_cause_and_keeps_what_is_served(
    demo, health_db, tmp_path, monkeypatch, breakage, cause
):
    secret = "not-the-password-" + breakage
    url = sa.engine.make_url(health_db)
    if breakage == "password":
        url = url.set(username="cockpit_puller", password=secret)
    elif breakage == "unreachable":
        url = url.set(port=1, password=secret)
    else:
        _upstream(
            health_db, 'ALTER TABLE health_monthly RENAME COLUMN "家庭医生签约人数" TO "签约数"'
        )
    monkeypatch.setenv("HEALTH_DB_URL", url.render_as_string(hide_password=False))
    settings = copy_of_demo(demo, tmp_path).with_overrides(sources={"health": _source()})
    served = _values(settings)
    result = run_cockpit(settings, "refresh", "health")
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "health" in out and cause in out, out
    assert secret not in out
    # What was served is served: no value moved.
    pd.testing.assert_frame_equal(_values(settings), served)
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    status, message = con.execute(
        "SELECT last_status, last_message FROM meta.source WHERE source = 'health'"
    ).fetchone()
    messages = [m for (m,) in con.execute("SELECT message FROM meta.load_run").fetchall() if m]
    con.close()
    assert status == "failed" and cause in message
    assert not any(secret in m for m in messages)
    # Nothing of the failed pull is left in the inbox to fail again; a file that came and
    # would not load is kept for the audit.
    assert not list(settings.inbox.glob("health/*.csv"))
    kept = list(settings.archive.glob("health/failed/health-pulled-*.csv"))
    assert len(kept) == (1 if breakage == "renamed" else 0)


def test_sources_list_and_test_say_how_each_arrives_and_change_nothing(
    demo, health_db, tmp_path, monkeypatch
):
    monkeypatch.setenv("HEALTH_DB_URL", health_db)
    settings = copy_of_demo(demo, tmp_path).with_overrides(sources={"health": _source()})
    listed = run_cockpit(settings, "sources", "list")
    assert listed.returncode == 0
    rows = {line.split()[0]: line.split()[1] for line in listed.stdout.splitlines()[1:]
            if not line.startswith(" ")}  # fmt: skip
    assert rows["health"] == "sql" and rows["hotline"] == "file"
    version = current_version(settings)
    tried = run_cockpit(settings, "sources", "test", "health", "--rows", "200")
    assert tried.returncode == 0, tried.stderr
    assert "health (sql)" in tried.stdout and "would load 200 of 200 rows" in tried.stdout
    assert "family_doctor_contracts ← 家庭医生签约人数" in tried.stdout
    # Nothing written: the same version served, nothing in the inbox, no watermark.
    assert current_version(settings) == version
    assert not list(settings.inbox.glob("health/*"))
    _upstream(
        health_db, "UPDATE health_monthly SET \"社区编码\" = '999' WHERE \"统计期\" = '2019-12'"
    )
    tried = run_cockpit(settings, "sources", "test", "health", "--rows", "2000")
    assert tried.returncode == 0
    assert "would reject 75" in tried.stdout and "row " in tried.stdout
