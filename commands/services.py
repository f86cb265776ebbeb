"""``cockpit install-service``: systemd units for ``cockpit serve`` and ``cockpit
schedule`` (restarted on failure, logging to journald) and an environment file for the
secrets they need, readable by root alone (systemd reads it before it drops to the
service's user). An existing environment file is never overwritten: it holds secrets."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
from pathlib import Path

from cockpit.settings import Settings, settings_file

UNIT = """\
[Unit]
Description={description}
Documentation=file://{docs}
After=network-online.target{after}
Wants=network-online.target

[Service]
Type=simple
User={user}
Group={group}
WorkingDirectory={workdir}
EnvironmentFile={env_file}
Environment=COCKPIT_CONFIG={config}
ExecStart={cockpit} {command}
Restart=on-failure
RestartSec=5
# gunicorn's master and workers, or the scheduler, stop together.
KillMode=mixed
TimeoutStopSec=60
StandardOutput=journal
StandardError=journal
SyslogIdentifier=cockpit-{command}
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full
UMask=0077

[Install]
WantedBy=multi-user.target
"""

DESCRIPTIONS = {
    "serve": "City-brain cockpit: web server (cockpit serve)",
    "schedule": "City-brain cockpit: scheduled refreshes (cockpit schedule)",
}


def _cockpit_command() -> Path:
    """The ``cockpit`` console script of the Python running this: the installed one."""
    beside = Path(sys.executable).parent / "cockpit"
    if beside.exists():
        return beside.resolve()
    found = shutil.which("cockpit")
    if found is None:
        raise FileNotFoundError("no `cockpit` command installed beside this Python")
    return Path(found).resolve()


def environment_file(settings: Settings) -> str:
    """The secrets' file, new: a random signing key and scrape token, and a line for each
    variable a pulled source reads (to be filled in)."""
    lines = [
        '# The cockpit\'s secrets (docs/operators.md, "Services"). Root-readable only.',
        f"COCKPIT_SECRET_KEY={secrets.token_hex(32)}",
        f"COCKPIT_METRICS_TOKEN={secrets.token_urlsafe(32)}",
    ]
    for source, declared in sorted(settings.sources.items()):
        names = declared.variables
        if names:
            lines.append(f"# source {source}: set these, then restart the services")
            lines += [f"{name}=" for name in names]
    return "\n".join(lines) + "\n"


def write_units(settings: Settings, dest: Path, user: str, env_file: Path) -> list[Path]:
    config = settings_file().resolve()
    after = " postgresql.service" if not settings.app_db.startswith("sqlite") else ""
    written = []
    dest.mkdir(parents=True, exist_ok=True)
    for command, description in DESCRIPTIONS.items():
        unit = UNIT.format(
            description=description, docs=config.parent / "docs" / "operators.md", after=after,
            user=user, group=user, workdir=config.parent, env_file=env_file, config=config,
            cockpit=_cockpit_command(), command=command,
        )  # fmt: skip
        path = dest / f"cockpit-{command}.service"
        path.write_text(unit, encoding="utf-8")
        written.append(path)
    if not env_file.exists():
        env_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(environment_file(settings))
        written.append(env_file)
    return written


def _install(settings: Settings, args: argparse.Namespace) -> int:
    try:
        written = write_units(settings, args.dest, args.user, args.env_file)
    except (OSError, KeyError) as exc:
        print(f"install-service: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    if args.env_file not in written:
        print(f"kept {args.env_file} (it exists: secrets are never overwritten)")
    print("then: systemctl daemon-reload && systemctl enable --now cockpit-serve cockpit-schedule")
    print(f"the data folders must belong to {args.user}; logs: journalctl -u cockpit-serve")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    install = sub.add_parser(
        "install-service", help="write systemd units for serve and schedule, and a secrets file"
    )
    install.add_argument("--user", default="cockpit", help="the account the services run as")
    install.add_argument("--dest", type=Path, default=Path("/etc/systemd/system"))
    install.add_argument("--env-file", type=Path, default=Path("/etc/cockpit/cockpit.env"))
    install.set_defaults(run=_install)
