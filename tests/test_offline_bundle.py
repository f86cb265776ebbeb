"""``make bundle`` and ``install.sh``: the cockpit installed, loaded and served inside a
network namespace with no network at all (``unshare -n``), as on a government intranet
with no package registry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.helpers.cockpits import REPO

pytestmark = [pytest.mark.slow, pytest.mark.flows]

# Run inside the namespace: install, demo, refresh, serve, then ask for /login.
OFFLINE = r"""
set -eu
ip link set lo up
if "$PYTHON" -c 'import socket; socket.create_connection(("pypi.org", 443), timeout=3)' 2>/dev/null; then
    echo "NETWORK REACHABLE"; exit 3
fi
"$ROOT/install.sh" "$DEST"
cd /
"$DEST/bin/cockpit" demo > "$LOGS/demo.log" 2>&1
"$DEST/bin/cockpit" refresh > "$LOGS/refresh.log" 2>&1
COCKPIT_PORT=8765 "$DEST/bin/cockpit" serve > "$LOGS/serve.log" 2>&1 &
server=$!
for i in $(seq 1 90); do
    code=$("$PYTHON" -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:8765/login", timeout=2).status)' 2>/dev/null || true)
    [ "$code" = "200" ] && break
    sleep 1
done
kill "$server" 2>/dev/null || true
wait "$server" || true
echo "LOGIN $code"
"""


def _python311() -> str:
    """The Python 3.11 the environment was made from (not its virtualenv)."""
    base = Path(sys.base_prefix) / "bin" / "python3.11"
    return str(base) if base.exists() else (shutil.which("python3.11") or "python3.11")


def _unshare() -> list[str]:
    """A new network namespace: as root, or inside a user namespace of one's own."""
    for argv in (["unshare", "-n"], ["unshare", "-rn"]):
        if subprocess.run([*argv, "true"], capture_output=True, check=False).returncode == 0:
            return argv
    pytest.fail("unshare cannot make a network namespace here (CI runs as root)")


def test_the_bundle_installs_loads_and_serves_with_no_network(tmp_path):
    built = subprocess.run(
        ["packaging/bundle.sh", sys.executable, str(tmp_path / "dist")],
        cwd=REPO, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (archive,) = (tmp_path / "dist").glob("cockpit-offline-*-linux-x86_64.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / "unpacked", filter="data")
    wheels = [n.rsplit("/", 1)[-1].lower() for n in names if n.endswith(".whl")]
    assert any(w.startswith("cockpit-") for w in wheels)
    assert any(w.startswith("duckdb-") for w in wheels) and any(
        w.startswith("dash-") for w in wheels
    )
    for kept_out in ("playwright", "pytest", "locust", "pyspark", "hypothesis"):
        assert not any(w.startswith(kept_out) for w in wheels), kept_out
    (root,) = (tmp_path / "unpacked").iterdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "ROOT": str(root),
           "DEST": str(tmp_path / "cockpit"), "LOGS": str(logs),
           "PYTHON": _python311()}  # fmt: skip
    offline = subprocess.run([*_unshare(), "sh", "-c", OFFLINE], env=env, capture_output=True,
                             text=True, timeout=1200, check=False)  # fmt: skip
    said = offline.stdout + offline.stderr
    assert "NETWORK REACHABLE" not in said
    assert offline.returncode == 0, said[-3000:]
    assert "LOGIN 200" in said, said[-3000:] + (logs / "serve.log").read_text()[-2000:]
    assert "published" in (logs / "refresh.log").read_text()
    assert (tmp_path / "cockpit" / "data" / "warehouse" / "cockpit.duckdb").exists()
