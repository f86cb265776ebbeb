"""Shared fixtures: a demo district loaded into a real warehouse in a temporary folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cockpit.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent


def make_settings(root: Path, **overrides: object) -> Settings:
    """Settings for an isolated cockpit under ``root``, with the repo's layers and reference."""
    base = load_settings(REPO / "cockpit.toml", environ={})
    return base.with_overrides(
        inbox=root / "inbox",
        archive=root / "archive",
        warehouse=root / "warehouse" / "cockpit.duckdb",
        # No tree of its own: the demo's, shipped in the repo's reference folder.
        areas=root / "areas",
        cache_dir=root / "cache",
        spark_dir=root / "spark",
        **{
            "app_db": f"sqlite:///{root / 'app.db'}",
            "secret_key_file": root / "secret.key",
            **overrides,
        },
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that points a `cockpit` process at these settings."""
    return {
        "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
        "COCKPIT_INBOX": str(settings.inbox),
        "COCKPIT_ARCHIVE": str(settings.archive),
        "COCKPIT_WAREHOUSE": str(settings.warehouse),
        "COCKPIT_LAYERS": str(settings.layers),
        "COCKPIT_REFERENCE": str(settings.reference),
        "COCKPIT_AREAS": str(settings.areas),
        "COCKPIT_CACHE_DIR": str(settings.cache_dir),
        "COCKPIT_SPARK_DIR": str(settings.spark_dir),
        "COCKPIT_SPARK_MASTER": settings.spark_master,
        "COCKPIT_APP_DB": settings.app_db,
        "COCKPIT_SECRET_KEY_FILE": str(settings.secret_key_file),
    }


def run_cockpit(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """The `cockpit` command, as an operator runs it, against these settings."""
    return subprocess.run(
        [sys.executable, "-m", "commands.cli", *args],
        cwd=REPO, env={"PATH": "/usr/bin:/bin", **settings_env(settings)},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's extracts, generated once (the demo is the same every run)."""
    from pipelines.demo import write_demo

    settings = make_settings(tmp_path_factory.mktemp("extracts"))
    write_demo(settings)
    return settings.inbox


@pytest.fixture
def drop_demo(demo_extracts: Path):
    """Drop the demo's extracts into a cockpit's inbox, as an operator would."""

    def drop(settings: Settings) -> None:
        shutil.copytree(demo_extracts, settings.inbox, dirs_exist_ok=True)

    return drop


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_extracts: Path) -> Settings:
    """The demo district, refreshed once for the whole session."""
    from pipelines.publish.refresh import run_refresh

    settings = make_settings(tmp_path_factory.mktemp("demo"))
    shutil.copytree(demo_extracts, settings.inbox)
    report = run_refresh(settings, echo=lambda _line: None)
    assert report.ok, (report.failed_sources, report.layer_errors)
    return settings


@pytest.fixture
def wh(demo: Settings):
    """A read-only connection to the published demo warehouse."""
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def server(demo) -> Iterator[str]:
    """The demo cockpit, served by `cockpit serve` for the whole session."""
    with serve_cockpit(demo) as url:
        yield url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_cockpit(settings: Settings, **env_overrides: str) -> Iterator[str]:
    """`cockpit serve` (gunicorn, two workers unless ``COCKPIT_WORKERS`` says otherwise)
    on a free local port; yields its URL."""
    port = _free_port()
    env = {
        **os.environ,
        **settings_env(settings),
        "COCKPIT_PORT": str(port),
        "COCKPIT_WORKERS": "2",
        **env_overrides,
    }
    log_path = settings.warehouse.parent / f"serve-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "commands.cli", "serve"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("cockpit serve did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        try:
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


# Test accounts: made in each test cockpit's own application database, never shipped.
PASSWORD = "a-test-password-only"
STREET, COMMUNITY, PARK = "330103001000", "330103001051", "330103008P01"


@pytest.fixture(scope="session")
def people(demo: Settings) -> dict[str, dict]:
    """A district administrator, a street, a community and a park official, and kiosk
    tokens for the district and for the street, in the demo cockpit's database."""
    from cockpit import store
    from cockpit.store import accounts

    store.migrate(demo.app_db)
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    district = con.execute("SELECT code FROM ind.area WHERE level = 'district'").fetchall()[0][0]
    con.close()
    out = {}
    for persona, role, scope in (
        ("district", "admin", district),
        ("street", "viewer", STREET),
        ("community", "viewer", COMMUNITY),
    ):
        name = f"test-{persona}"
        accounts.add_user(demo.app_db, name, role, scope, PASSWORD)
        out[persona] = {"name": name, "password": PASSWORD, "scope": scope}
    out["kiosk"] = {"token": accounts.add_token(demo.app_db, district, 1), "scope": district}
    out["kiosk_street"] = {"token": accounts.add_token(demo.app_db, STREET, 1), "scope": STREET}
    return out


def csrf_token(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the sign-in form carries a CSRF token"
    return match.group(1)


def sign_in(url: str, person: dict):
    """A ``requests`` session signed in as ``person`` (or through its kiosk token)."""
    import requests

    http = requests.Session()
    if "token" in person:
        answer = http.get(f"{url}/wall?token={person['token']}", timeout=30)
        assert answer.status_code == 200 and "token=" not in answer.url
        return http
    form = http.get(f"{url}/login", timeout=30).text
    answer = http.post(
        f"{url}/login",
        data={
            "csrf_token": csrf_token(form),
            "name": person["name"],
            "password": person["password"],
        },
        timeout=30,
    )
    assert answer.status_code == 200 and "/login" not in answer.url, answer.text[:300]
    return http
