"""``cockpit status``: what each source delivered, how fresh it is, and what was rejected."""

from __future__ import annotations

import datetime as dt
import unicodedata

import duckdb

from cockpit.freshness import freshness, utc_now
from cockpit.settings import Settings
from pipelines.publish.served import ServedFile, month_ranges, served_files
from pipelines.warehouse import DUCKDB_CONFIG, current_version

STATUS_SQL = """
SELECT s.source, s.department_zh, s.cadence, s.max_age_days, s.last_success, s.last_status,
       r.rows_loaded, r.rows_rejected, s.last_message, coalesce(s.synthetic, false)
FROM meta.source s
LEFT JOIN (
    SELECT source, sum(rows_loaded) AS rows_loaded, sum(rows_rejected) AS rows_rejected
    FROM meta.load_run WHERE status = 'ok' GROUP BY source
) r USING (source)
ORDER BY s.source
"""


def source_status(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[dict]:
    rows = con.execute(STATUS_SQL).fetchall()
    out = []
    for source, dept, cadence, max_age, last, status, loaded, rejected, message, demo in rows:
        out.append(
            {
                "source": source,
                "department": dept,
                "cadence": cadence,
                "last_success": last,
                "fresh": freshness(last, max_age, now),
                "last_status": status or "-",
                "rows_loaded": int(loaded or 0),
                "rows_rejected": int(rejected or 0),
                "message": message or "",
                "synthetic": bool(demo),
            }
        )
    return out


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width: a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def print_status(settings: Settings) -> int:
    path = current_version(settings)
    if path is None:
        print("no warehouse published yet: run `cockpit demo` then `cockpit refresh`")
        return 1
    con = duckdb.connect(str(path), read_only=True, config=DUCKDB_CONFIG)
    try:
        rows = source_status(con, utc_now())
        served = served_files(con)
        refresh = con.execute(
            "SELECT refresh_id, finished, status FROM meta.refresh ORDER BY finished DESC LIMIT 1"
        ).fetchall()[:1]
    finally:
        con.close()
    print(f"warehouse {path}")
    for refresh_id, finished, status in refresh:
        print(f"last refresh {refresh_id} finished {finished:%Y-%m-%d %H:%M} UTC ({status})")
    header = f"{'source':<18} {_pad('department', 22)} {'cadence':<11} "
    header += f"{'last success (UTC)':<18} "
    print(header + f"{'freshness':<9} {'status':<7} {'loaded':>10} {'rejected':>8}")
    for r in rows:
        last = f"{r['last_success']:%Y-%m-%d %H:%M}" if r["last_success"] else "-"
        print(
            f"{r['source']:<18} {_pad(r['department'], 22)} {r['cadence']:<11} {last:<18} "
            f"{r['fresh']:<9} {r['last_status']:<7} {r['rows_loaded']:>10,} "
            f"{r['rows_rejected']:>8,}"
        )
        if r["message"]:
            print(f"    {r['message']}")
        if r["synthetic"]:
            print("    demo data: served (in part) from files `cockpit demo` generated")
        for f in (f for f in served if f.source == r["source"]):
            print(f"    {_serves(f)}")
    return 0


def _serves(served: ServedFile) -> str:
    """One line per file: which months of its source (or how many areas) it serves."""
    what = month_ranges(served.periods) or f"{served.rows:,} rows"
    received = f", received {served.received:%Y-%m-%d %H:%M} UTC" if served.received else ""
    return f"serves {what} from {served.file}{received}"
