"""``cockpit doctor``: a deployment checked before it goes live. Each problem fails the
command with what to do, and no secret appears in what it prints."""

from __future__ import annotations

import os
import secrets

import pytest

from cockpit.connections import SqlPull
from tests.helpers.cockpits import copy_of_demo, run_cockpit

STRONG = secrets.token_hex(32)


@pytest.fixture
def cockpit(demo, tmp_path, monkeypatch):
    from cockpit import store

    monkeypatch.setenv("COCKPIT_SECRET_KEY", STRONG)
    store.migrate(demo.app_db)
    return copy_of_demo(demo, tmp_path / "site").with_overrides(
        public_url="https://cockpit.example.gov.cn/", secure_cookies=True,
        trusted_hosts="cockpit.example.gov.cn,127.0.0.1",
    )  # fmt: skip


def _doctor(settings) -> tuple[int, str]:
    done = run_cockpit(settings, "doctor")
    return done.returncode, done.stdout + done.stderr


def test_a_deployment_set_up_right_passes(cockpit):
    code, said = _doctor(cockpit)
    assert code == 0, said
    assert "0 problem(s)" in said
    for check in ("secret key", "cookies and HTTPS", "trusted hosts", "application database",
                  "warehouse", "disk space"):  # fmt: skip
        assert f"ok    {check}:" in said, check
    assert STRONG not in said


@pytest.mark.parametrize(
    "key, reason",
    [
        ("secret", "guessable"),
        ("changeme" * 5, "guessable"),
        ("Zq8xY2pLm4Vn", "12 characters; at least 32"),
        ("ab" * 20, "repeats a few characters"),
    ],
)
def test_a_weak_secret_key_fails_and_is_never_printed(cockpit, monkeypatch, key, reason):
    monkeypatch.setenv("COCKPIT_SECRET_KEY", key)
    code, said = _doctor(cockpit)
    assert code == 1
    assert "FAIL  secret key: COCKPIT_SECRET_KEY" in said and reason in said
    assert "fix: set COCKPIT_SECRET_KEY" in said
    if len(key) > 6:
        assert key not in said


def test_a_key_file_others_can_read_fails(cockpit, monkeypatch):
    monkeypatch.delenv("COCKPIT_SECRET_KEY")
    cockpit.secret_key_file.write_text(STRONG)
    os.chmod(cockpit.secret_key_file, 0o644)
    code, said = _doctor(cockpit)
    assert code == 1 and "readable by others (mode 644)" in said and "chmod 600" in said
    os.chmod(cockpit.secret_key_file, 0o600)
    code, said = _doctor(cockpit)
    assert code == 0, said


def test_https_without_secure_cookies_and_an_untrusted_host_fail(cockpit):
    code, said = _doctor(cockpit.with_overrides(secure_cookies=False))
    assert code == 1 and "HTTPS but secure_cookies is false" in said
    code, said = _doctor(cockpit.with_overrides(trusted_hosts="127.0.0.1,localhost"))
    assert code == 1
    assert "public_url's host cockpit.example.gov.cn is not in trusted_hosts" in said
    code, said = _doctor(cockpit.with_overrides(trusted_hosts="*"))
    assert code == 1 and "trusted_hosts must list" in said


def test_a_source_without_its_credentials_fails_by_name(cockpit, monkeypatch):
    pulled = cockpit.with_overrides(sources={"health": SqlPull.model_validate(
        {"from": "sql", "url_env": "HEALTH_DB_URL", "query": "select 1"})})  # fmt: skip
    monkeypatch.delenv("HEALTH_DB_URL", raising=False)
    code, said = _doctor(pulled)
    assert code == 1 and "FAIL  source health: HEALTH_DB_URL not set" in said
    password = secrets.token_urlsafe(12)
    monkeypatch.setenv("HEALTH_DB_URL", f"postgresql://health:{password}@10.0.0.5/health")
    code, said = _doctor(pulled)
    assert code == 0, said
    assert "ok    source health: credentials in HEALTH_DB_URL" in said and password not in said


def test_an_unreachable_database_and_no_warehouse_fail(cockpit, tmp_path):
    password = secrets.token_urlsafe(12)
    unreachable = f"postgresql+psycopg://cockpit:{password}@127.0.0.1:1/cockpit"
    code, said = _doctor(cockpit.with_overrides(app_db=unreachable))
    assert code == 1 and "FAIL  application database: cannot connect" in said
    assert password not in said
    empty = cockpit.with_overrides(warehouse=tmp_path / "none" / "cockpit.duckdb")
    code, said = _doctor(empty)
    assert code == 1 and "FAIL  warehouse: nothing published" in said


def test_a_clock_behind_the_published_warehouse_fails(cockpit):
    served = cockpit.warehouse.resolve()
    ahead = served.stat().st_mtime + 3600
    os.utime(served, (ahead, ahead))
    code, said = _doctor(cockpit)
    assert code == 1 and "FAIL  clock: behind the warehouse published at" in said


def test_a_postgresql_application_database_passes(cockpit, postgres_server):
    from cockpit import store
    from tests.helpers.postgres import drop_postgres, fresh_postgres

    url = fresh_postgres(postgres_server)
    try:
        code, said = _doctor(cockpit.with_overrides(app_db=url))
        assert code == 0 and "warn  application database: empty: no schema yet" in said, said
        store.migrate(url)
        code, said = _doctor(cockpit.with_overrides(app_db=url))
        assert code == 0 and "ok    application database: postgresql, schema" in said, said
    finally:
        drop_postgres(postgres_server, url)
