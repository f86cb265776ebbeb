"""``cockpit backup DIR`` and ``cockpit restore DIR``: what a refresh cannot rebuild, kept
and brought back (docs/operators.md, "Backups").

A backup holds the application database (users, sessions, tokens, tasks, the audit log),
the warehouse version being served, the settings file, the area tree's folder and, with
``--with-archive``, the raw extracts; and ``manifest.json`` with each file's SHA-256. It is
written beside DIR and renamed to it when whole, so a folder named DIR is always a whole
backup. The signing key (``secret_key_file``) is not in it: a restored cockpit keeps its
own, and people sign in again.

A restore checks every checksum and the schema's revision before it changes anything,
then keeps a copy of what it replaces (a backup like any other, beside DIR)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from cockpit import store
from cockpit.settings import Settings, settings_file
from cockpit.store import audit
from cockpit.store import backup as app_db

FORMAT = 1
MANIFEST = "manifest.json"


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _copy_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False)


def make_backup(settings: Settings, folder: Path, with_archive: bool = False) -> dict:
    """A whole backup at ``folder`` (which must not exist); its manifest."""
    from pipelines.warehouse import current_version

    if folder.exists():
        raise app_db.BackupError(f"{folder} exists: a backup goes to a new folder")
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    # Password hashes and the audit log: the owner's alone.
    partial.mkdir(parents=True, mode=0o700)
    try:
        store.migrate(settings.app_db)
        revision = app_db.revision(settings.app_db)
        app_db.dump(settings.app_db, partial)
        served = current_version(settings)
        if served is not None:
            (partial / "warehouse").mkdir()
            shutil.copyfile(served, partial / "warehouse" / served.name)
        config = settings_file()
        if config.exists():
            shutil.copyfile(config, partial / "cockpit.toml")
        _copy_tree(settings.areas, partial / "areas")
        if with_archive:
            _copy_tree(settings.archive, partial / "archive")
        files = {
            str(path.relative_to(partial)): {"sha256": _digest(path), "bytes": path.stat().st_size}
            for path in sorted(partial.rglob("*")) if path.is_file()
        }  # fmt: skip
        manifest = {
            "format": FORMAT, "made": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "schema": revision, "app_db": app_db.kind(settings.app_db),
            "warehouse": served.name if served else None, "with_archive": with_archive,
            "files": files,
        }  # fmt: skip
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.replace(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def check_backup(folder: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its checksum and the
    schema is one this cockpit knows; else BackupError naming what is wrong."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise app_db.BackupError(f"{folder}: no {MANIFEST}: not a cockpit backup") from None
    except json.JSONDecodeError as exc:
        raise app_db.BackupError(f"{folder / MANIFEST}: not JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise app_db.BackupError(f"{folder}: backup format {manifest.get('format')!r} unknown")
    problems = []
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif _digest(path) != expected["sha256"]:
            problems.append(f"{name}: checksum differs (changed or damaged)")
    listed = set(manifest["files"])
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    extra = present - listed - {MANIFEST}
    problems += [f"{name}: not in the manifest" for name in sorted(extra)]
    if problems:
        raise app_db.BackupError(f"{folder}: " + "; ".join(problems))
    known = app_db.known_revisions()
    if manifest["schema"] is not None and manifest["schema"] not in known:
        raise app_db.BackupError(
            f"{folder}: the application database is at schema {manifest['schema']}, newer "
            f"than this cockpit's ({known[-1]}): restore it with the cockpit that made it"
        )
    return manifest


def check_restore(settings: Settings, folder: Path) -> dict:
    """``check_backup``, and the backup's database of the kind this cockpit uses."""
    manifest = check_backup(folder)
    if manifest["app_db"] != app_db.kind(settings.app_db):
        raise app_db.BackupError(
            f"{folder}: the backup holds a {manifest['app_db']} application database and "
            f"this cockpit's app_db is {app_db.kind(settings.app_db)}"
        )
    return manifest


def restore_backup(settings: Settings, folder: Path, keep_current: Path | None) -> dict:
    """Everything in the backup brought back; what it replaces first backed up to
    ``keep_current`` (when given)."""
    from pipelines.warehouse import serve_copy

    manifest = check_restore(settings, folder)
    if keep_current is not None:
        make_backup(settings, keep_current)
    copy = folder / (app_db.SQLITE_FILE if manifest["app_db"] == "sqlite" else app_db.POSTGRES_FILE)
    app_db.load(settings.app_db, copy)
    store.migrate(settings.app_db)
    if manifest["warehouse"]:
        serve_copy(settings, folder / "warehouse" / manifest["warehouse"])
    if (folder / "cockpit.toml").exists():
        shutil.copyfile(folder / "cockpit.toml", settings_file())
    if (folder / "areas").is_dir():
        _replace_tree(folder / "areas", settings.areas)
    if (folder / "archive").is_dir():
        shutil.copytree(folder / "archive", settings.archive, dirs_exist_ok=True)
    return manifest


def _replace_tree(source: Path, target: Path) -> None:
    incoming = target.with_name(target.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(source, incoming)
    if target.exists():
        outgoing = target.with_name(target.name + ".replaced")
        shutil.rmtree(outgoing, ignore_errors=True)
        os.replace(target, outgoing)
        os.replace(incoming, target)
        shutil.rmtree(outgoing)
    else:
        os.replace(incoming, target)


def _size(manifest: dict) -> str:
    total = sum(f["bytes"] for f in manifest["files"].values())
    return f"{len(manifest['files'])} file(s), {total / 1e6:,.1f} MB"


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    try:
        manifest = make_backup(settings, args.dir, args.with_archive)
    except app_db.BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    audit.record(settings.app_db, "backup", f"cli:{getpass.getuser()}",
                 detail={"folder": str(args.dir), "files": len(manifest["files"])})  # fmt: skip
    print(f"backed up to {args.dir}: {_size(manifest)}; schema {manifest['schema']}, "
          f"warehouse {manifest['warehouse'] or 'none published'}")  # fmt: skip
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    keep = None if args.no_safety_copy else args.dir.with_name(f"{args.dir.name}.replaced-{stamp}")
    try:
        check_restore(settings, args.dir)
    except app_db.BackupError as exc:
        print(f"restore: {exc}; nothing was changed", file=sys.stderr)
        return 1
    try:
        manifest = restore_backup(settings, args.dir, keep)
    except (app_db.BackupError, OSError) as exc:
        again = f"; bring back what was there with: cockpit restore {keep}" if keep else ""
        print(f"restore: {exc}{again}", file=sys.stderr)
        return 1
    audit.record(settings.app_db, "restore", f"cli:{getpass.getuser()}",
                 detail={"folder": str(args.dir), "made": manifest["made"]})  # fmt: skip
    print(f"restored {args.dir} (made {manifest['made']}): {_size(manifest)}")
    if keep is not None:
        print(f"what it replaced is kept in {keep}")
    print("restart `cockpit serve` so that every worker opens the restored database")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser(
        "backup", help="copy the app database, the served warehouse, settings and areas to DIR"
    )
    backup.add_argument("dir", type=Path, metavar="DIR", help="a new folder")
    backup.add_argument("--with-archive", action="store_true", help="add the raw extracts")
    backup.set_defaults(run=_backup)
    restore = sub.add_parser("restore", help="check a backup's checksums and bring it back")
    restore.add_argument("dir", type=Path, metavar="DIR")
    restore.add_argument(
        "--no-safety-copy", action="store_true",
        help="do not back up what the restore replaces first",
    )  # fmt: skip
    restore.set_defaults(run=_restore)
