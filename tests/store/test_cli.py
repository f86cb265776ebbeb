"""The commands scripts rely on: `cockpit users add NAME --role ROLE --scope CODE
--password-stdin` and `cockpit tokens add --scope CODE [--days N]` (the token alone on its
last line), and `cockpit audit`."""

from __future__ import annotations

import subprocess

from cockpit.store import accounts
from tests.helpers.cockpits import run_cockpit


def cockpit(demo, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return run_cockpit(demo, *args, stdin=stdin)


def test_users_and_tokens_from_the_command_line(demo, tmp_path):
    demo = demo.with_overrides(app_db=f"sqlite:///{tmp_path / 'cli.db'}")
    added = cockpit(demo, "users", "add", "wu", "--role", "analyst", "--scope", "330103002",
                    "--password-stdin", stdin="a long password here\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    user = accounts.get_user(demo.app_db, "wu")
    assert (user.role, user.scope) == ("analyst", "330103002000")
    assert accounts.check_login(demo.app_db, "wu", "a long password here", 5, 15).outcome == "ok"
    listed = cockpit(demo, "users", "list")
    assert "wu" in listed.stdout and "analyst" in listed.stdout
    for bad in (["--scope", "330103002051XYZ"], ["--scope", "330199999000"]):
        refused = cockpit(demo, "users", "add", "x", "--role", "viewer", *bad, "--password-stdin",
                          stdin="a long password here\n")  # fmt: skip
        assert refused.returncode == 2 and "scope" in refused.stderr
    assert cockpit(demo, "users", "set-role", "wu", "admin").returncode == 0
    assert cockpit(demo, "users", "set-scope", "wu", "330103001051").returncode == 0
    assert accounts.get_user(demo.app_db, "wu").scope == "330103001051"
    made = cockpit(demo, "tokens", "add", "--scope", "330103001000", "--days", "7")
    assert made.returncode == 0
    token = made.stdout.strip().splitlines()[-1]
    assert len(token) > 30 and " " not in token
    assert accounts.usable_token(demo.app_db, token).scope == "330103001000"
    rows = cockpit(demo, "tokens", "list").stdout
    assert "330103001000" in rows and token not in rows
    token_id = accounts.list_tokens(demo.app_db)[0].id
    assert cockpit(demo, "tokens", "revoke", str(token_id)).returncode == 0
    assert accounts.usable_token(demo.app_db, token) is None
    assert cockpit(demo, "users", "remove", "wu").returncode == 0
    log = cockpit(demo, "audit").stdout
    for action in ("action=add", "action=set-role", "action=revoke", "action=remove"):
        assert action in log, action
    assert "user_change" in cockpit(demo, "audit", "--since", "2000-01-01").stdout
    assert cockpit(demo, "audit", "--user", "nobody").stdout == ""
