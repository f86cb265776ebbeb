"""Which served data is still the demo's: ``cockpit demo`` lists the files it writes, by
content hash, in ``<inbox>/.demo-files.json``. The next refresh takes the list into the
warehouse (``meta.demo_file``; the inbox empties as it does of extracts), and every refresh
marks the loads of those files (``meta.load_run.synthetic``) and each source whose served
rows still come from one (``meta.source.synthetic``). A department's real file replaces the
label as it replaces the rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from pipelines.ingest.checks import ident
from pipelines.ingest.extract import file_facts

MANIFEST = ".demo-files.json"


def record_demo_files(inbox: Path, paths: list[Path]) -> Path:
    """Add the demo's files to the inbox's list of synthetic files."""
    manifest = inbox / MANIFEST
    known = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    for path in paths:
        known[file_facts(path).digest] = str(path.relative_to(inbox))
    tmp = manifest.with_name(f"{MANIFEST}.{os.getpid()}")
    tmp.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, manifest)
    return manifest


def listed_demo_files(inbox: Path) -> set[str]:
    """The digests of the demo's files waiting in the inbox (its list, before a refresh
    takes it)."""
    manifest = inbox / MANIFEST
    return set(json.loads(manifest.read_text(encoding="utf-8"))) if manifest.exists() else set()


def take_demo_list(con: duckdb.DuckDBPyConnection, inbox: Path) -> Path | None:
    """Add the inbox's list of demo files to the warehouse's; the list file to remove once
    the warehouse is published."""
    manifest = inbox / MANIFEST
    if not manifest.exists():
        return None
    listed = json.loads(manifest.read_text(encoding="utf-8"))
    con.executemany(
        "INSERT OR IGNORE INTO meta.demo_file VALUES (?, ?)", [[d, f] for d, f in listed.items()]
    )
    return manifest


def mark_synthetic(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "UPDATE meta.load_run SET synthetic = file_hash IN (SELECT digest FROM meta.demo_file)"
    )
    staged = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'stg'"
        ).fetchall()
    }
    for source, table in con.execute(
        "SELECT source, table_name FROM meta.source WHERE table_name IS NOT NULL"
    ).fetchall():
        name = table.removeprefix("stg.")
        if name not in staged:
            continue
        con.execute(
            f"""
            UPDATE meta.source SET synthetic = (
                SELECT coalesce(bool_or(l.synthetic), false)
                FROM (SELECT DISTINCT _run_id FROM stg.{ident(name)}) s
                JOIN meta.load_run l ON l.run_id = s._run_id
            ) WHERE source = $source
            """,
            {"source": source},
        )
