"""``cockpit doctor``: a deployment's configuration checked before it goes live, each
problem with what to do about it. Exits 1 when any check fails (a warning does not).

Nothing it prints holds a secret: keys and passwords are described by their length and
where they come from, sources' credentials by the names of their variables."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator

from cockpit.settings import Settings
from commands import doctor_access as access
from commands.findings import FAIL, OK, WARN, Finding

_MIN_FREE_BYTES = 1 << 30
# The clock may differ from the database server's by this much.
_SKEW = dt.timedelta(seconds=30)


def _app_db(settings: Settings) -> Iterator[Finding]:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from cockpit import store
    from cockpit.store.backup import kind, known_revisions, revision

    name = "application database"
    try:
        at = revision(settings.app_db)
        with store.engine(settings.app_db).connect() as con:
            server_now = None
            if not settings.app_db.startswith("sqlite"):
                server_now = con.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar()
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        yield Finding(
            FAIL, name, f"cannot connect: {reason}", "check app_db (and the server it names)"
        )
        return
    known = known_revisions()
    if at is None:
        yield Finding(WARN, name, "empty: no schema yet", "`cockpit serve` creates it")
    elif at not in known:
        yield Finding(
            FAIL,
            name,
            f"schema {at} is newer than this cockpit's ({known[-1]})",
            "install the cockpit version that made it",
        )
    elif at != known[-1]:
        yield Finding(
            WARN,
            name,
            f"schema {at}; this cockpit's is {known[-1]}",
            "`cockpit serve` migrates it at start",
        )
    else:
        yield Finding(OK, name, f"{kind(settings.app_db)}, schema {at}")
    if server_now is not None:
        skew = abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - server_now)
        if skew > _SKEW:
            yield Finding(
                FAIL,
                "clock",
                f"{skew.total_seconds():.0f} s from the database "
                "server's: audit times and deadlines disagree",
                "synchronise both with the intranet's NTP server",
            )


def _warehouse(settings: Settings) -> Iterator[Finding]:
    import duckdb

    from pipelines.warehouse import current_version

    name = "warehouse"
    served = current_version(settings)
    if served is None or not served.exists():
        yield Finding(
            FAIL,
            name,
            f"nothing published at {settings.warehouse}",
            "put extracts in the inbox and run `cockpit refresh`",
        )
        return
    try:
        con = duckdb.connect(str(served), read_only=True)
        try:
            areas, values = con.execute(
                "SELECT (SELECT count(*) FROM ind.area), (SELECT count(*) FROM ind.indicator_value)"
            ).fetchone()
        finally:
            con.close()
    except duckdb.Error as exc:
        yield Finding(
            FAIL,
            name,
            f"{served.name} cannot be read: {str(exc).splitlines()[0]}",
            "run `cockpit refresh` to publish a new version",
        )
        return
    yield Finding(OK, name, f"{served.name}: {areas:,} areas, {values:,} values")
    newest = dt.datetime.fromtimestamp(served.stat().st_mtime, dt.UTC)
    if newest - dt.datetime.now(dt.UTC) > _SKEW:
        yield Finding(
            FAIL,
            "clock",
            f"behind the warehouse published at {newest:%Y-%m-%d %H:%M} UTC",
            "set the clock right (NTP) before the next refresh",
        )
    need = max(_MIN_FREE_BYTES, 3 * served.stat().st_size)
    free = shutil.disk_usage(served.parent).free
    if free < need:
        yield Finding(
            FAIL,
            "disk space",
            f"{free / 1e9:.1f} GB free beside the warehouse; a "
            f"refresh writes a new version beside the served one: {need / 1e9:.1f} GB",
            "free space, or lower keep_versions",
        )
    else:
        yield Finding(OK, "disk space", f"{free / 1e9:.1f} GB free beside the warehouse")


def _clock(settings: Settings) -> Iterator[Finding]:
    try:
        said = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return
    if said.returncode == 0 and said.stdout.strip() == "no":
        yield Finding(
            WARN,
            "clock",
            "not synchronised by NTP (timedatectl)",
            "point systemd-timesyncd or chrony at the intranet's time server",
        )


def _sources(settings: Settings) -> Iterator[Finding]:
    if not settings.sources:
        return
    for source, declared in sorted(settings.sources.items()):
        names = declared.variables
        missing = [n for n in names if not os.environ.get(n)]
        if missing:
            yield Finding(
                FAIL,
                f"source {source}",
                f"{', '.join(missing)} not set",
                "put them in the services' environment file (docs/operators.md)",
            )
        else:
            yield Finding(OK, f"source {source}", f"credentials in {', '.join(names)}")


CHECKS: tuple[Callable[[Settings], Iterator[Finding]], ...] = (
    access.secret_key,
    access.https,
    access.hosts,
    _app_db,
    _warehouse,
    _clock,
    _sources,
    access.identity,
)


def diagnose(settings: Settings) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(settings)]


def _doctor(settings: Settings, args: argparse.Namespace) -> int:
    findings = diagnose(settings)
    for f in findings:
        print(
            f"{f.status:<4}  {f.check}: {f.message}"
            + (f"\n      fix: {f.fix}" if f.fix and f.status != OK else "")
        )  # noqa: E501
    failed = sum(f.status == FAIL for f in findings)
    warned = sum(f.status == WARN for f in findings)
    print(f"{failed} problem(s), {warned} warning(s)")
    return 1 if failed else 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "doctor", help="check the deployment's configuration; exits 1 on any problem"
    ).set_defaults(run=_doctor)
