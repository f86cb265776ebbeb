"""A cockpit of its own for a test: settings under a temporary folder, the `cockpit`
command, a served cockpit on a free local port, and its test accounts."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


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
        metrics_dir=root / "metrics",
        spark_dir=root / "spark",
        **{
            "app_db": f"sqlite:///{root / 'app.db'}",
            # The tests sign in far more often than people do; the rate-limit tests set
            # the shipped limit on a cockpit of their own.
            "login_rate_limit": "1000 per minute",
            "dispatch_rate_limit": "1000 per hour",
            # The flat wall map, whose colours and panels the wall's tests read; the 3D
            # wall is tested with ?scene=3d (tests/browser/test_scene3d.py).
            "wall_scene": "2d",
            "secret_key_file": root / "secret.key",
            **overrides,
        },
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that points a `cockpit` process at these settings: with its pulled
    sources, and the variables holding their secrets."""
    pulled = {}
    if settings.sources:
        declared = {k: v.model_dump(by_alias=True) for k, v in settings.sources.items()}
        pulled["COCKPIT_SOURCES"] = json.dumps(declared, ensure_ascii=False)
        for name in re.findall(r'"\w+_env": "(\w+)"', pulled["COCKPIT_SOURCES"]):
            if name in os.environ:
                pulled[name] = os.environ[name]
    return {
        **pulled,
        "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
        "COCKPIT_INBOX": str(settings.inbox),
        "COCKPIT_ARCHIVE": str(settings.archive),
        "COCKPIT_WAREHOUSE": str(settings.warehouse),
        "COCKPIT_LAYERS": str(settings.layers),
        "COCKPIT_REFERENCE": str(settings.reference),
        "COCKPIT_AREAS": str(settings.areas),
        "COCKPIT_CACHE_DIR": str(settings.cache_dir),
        "COCKPIT_METRICS_DIR": str(settings.metrics_dir),
        "COCKPIT_SPARK_DIR": str(settings.spark_dir),
        "COCKPIT_SPARK_MASTER": settings.spark_master,
        "COCKPIT_APP_DB": settings.app_db,
        "COCKPIT_SECRET_KEY_FILE": str(settings.secret_key_file),
        "COCKPIT_LOGIN_RATE_LIMIT": settings.login_rate_limit,
        "COCKPIT_KIOSK_TOKEN_DAYS": str(settings.kiosk_token_days),
        "COCKPIT_DISPATCH_RATE_LIMIT": settings.dispatch_rate_limit,
        "COCKPIT_PUBLIC_URL": settings.public_url,
        "COCKPIT_SECURE_COOKIES": "true" if settings.secure_cookies else "false",
        "COCKPIT_TRUSTED_HOSTS": settings.trusted_hosts,
        "COCKPIT_OIDC_ISSUER": settings.oidc_issuer,
        "COCKPIT_OIDC_CLIENT_ID": settings.oidc_client_id,
        "COCKPIT_CAS_SERVER_URL": settings.cas_server_url,
        "COCKPIT_IDENTITY_PROVISION": "true" if settings.identity_provision else "false",
        "COCKPIT_LOCAL_PASSWORDS": "true" if settings.local_passwords else "false",
        "COCKPIT_WALL_SCENE": settings.wall_scene,
    }


def run_cockpit(
    settings: Settings, *args: str, stdin: str = "", process: bool = False
) -> subprocess.CompletedProcess:
    """The `cockpit` command, as an operator runs it, against these settings: its own
    arguments, environment, standard streams and exit code. In this process (its
    ``main``, a second or two quicker than starting Python, pandas and DuckDB again), or
    with ``process`` as a separate one: that is the test of the installed command, and of
    whatever must not live in the test's process (Spark's JVM)."""
    if process:
        return subprocess.run(
            [sys.executable, "-m", "commands.cli", *args],
            cwd=REPO, env={"PATH": "/usr/bin:/bin", **settings_env(settings)},
            input=stdin, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    import contextlib
    import io

    from commands.cli import run

    out, err = io.StringIO(), io.StringIO()
    with environment_of(settings) as patch, contextlib.redirect_stdout(out):
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        with contextlib.redirect_stderr(err):
            try:
                code = run(list(args))
            except SystemExit as exit_:  # argparse's refusals
                code = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess(["cockpit", *args], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def environment_of(settings: Settings) -> Iterator[pytest.MonkeyPatch]:
    """This process's environment pointing at ``settings`` (as ``cockpit`` started with
    ``settings_env`` would see it), put back afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings_env(settings).items():
            patch.setenv(key, value)
        yield patch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(argv: list[str], ready_url: str, what: str, seconds: float = 60) -> Iterator[None]:
    """A server the test starts (an identity provider, Prometheus): up once ``ready_url``
    answers 200, stopped afterwards; one that exits or never answers fails the test with
    what it printed."""
    # Its output to a file, not a pipe: a chatty server fills a pipe nobody reads, and stops.
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + seconds
            while True:
                try:
                    with urllib.request.urlopen(ready_url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    log.seek(0)
                    pytest.fail(f"{what} did not start: " + log.read()[-3000:])
                time.sleep(0.2)
            yield
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def path_of(url: str) -> str:
    """A URL's path and query, as the in-process app is asked for it."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@contextlib.contextmanager
def serve_cockpit(settings: Settings, **env_overrides: str) -> Iterator[str]:
    """`cockpit serve` (gunicorn, two workers unless ``COCKPIT_WORKERS`` says otherwise)
    on a free local port; yields its URL."""
    port = free_port()
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


def copy_of_demo(demo: Settings, root: Path, change: str | None = None) -> Settings:
    """Settings of a cockpit under ``root`` whose published warehouse is a copy of the
    demo's, changed first by the SQL ``change`` if given: a test may change it, and may
    open it as it likes, without touching the shared demo. The same accounts and signing
    key as the demo: one sign-in serves both."""
    import duckdb

    settings = make_settings(root).with_overrides(
        app_db=demo.app_db, secret_key_file=demo.secret_key_file
    )
    versions = settings.warehouse.parent / "versions"
    versions.mkdir(parents=True)
    copy = versions / "cockpit-copy.duckdb"
    shutil.copy(demo.warehouse.resolve(), copy)
    if change:
        con = duckdb.connect(str(copy))
        con.execute(change)
        con.close()
    os.symlink(copy, settings.warehouse)
    return settings


def published_tree(settings: Settings):
    """The area tree a cockpit publishes now (``cockpit.areatree.AreaTree``)."""
    import duckdb

    from cockpit.areatree import AreaTree

    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        return AreaTree.from_rows(
            con.execute("SELECT code, parent_code, level FROM ind.area").fetchall()
        )
    finally:
        con.close()
