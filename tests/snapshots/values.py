"""The value snapshot of the demo: every (indicator, area, month) the demo publishes, with
its value (6 significant digits), status and rank, one sorted line each, so that any
change to a figure shows as a readable diff in review.

The test only compares (``tests/pipelines/test_values_snapshot.py``). Rewriting the file is
a separate, explicit step after an intended change, then a commit of the diff::

    make snapshot
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb

SNAPSHOT = Path(__file__).with_name("values.txt")
HEADER = "# indicator area period value status rank/of  (make snapshot rewrites this file)\n"


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    text = f"{value:.6g}"
    return "0" if text == "-0" else text


def render(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "SELECT indicator_id, area_code, period, value, status, rank, rank_of, suppressed "
        "FROM ind.indicator_value ORDER BY indicator_id, area_code, period"
    ).fetchall()
    lines = [HEADER]
    for indicator, area, period, value, status, rank, rank_of, suppressed in rows:
        shown = "suppressed" if suppressed else _number(value)
        ranked = f"{rank}/{rank_of}" if rank is not None else "-"
        lines.append(f"{indicator} {area} {period} {shown} {status or '-'} {ranked}\n")
    return "".join(lines)


def main() -> int:
    """Build the demo from scratch in a temporary folder and write its snapshot."""
    from pipelines.demo import write_demo
    from pipelines.publish.refresh import run_refresh
    from tests.conftest import make_settings

    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(Path(folder))
        write_demo(settings)
        report = run_refresh(settings, echo=lambda _line: None)
        if not report.ok:
            print(f"the demo did not refresh cleanly: {report.failed_sources}", file=sys.stderr)
            return 1
        con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
        try:
            text = render(con)
        finally:
            con.close()
    SNAPSHOT.write_text(text, encoding="utf-8")
    print(f"wrote {SNAPSHOT} ({text.count(chr(10)) - 1:,} values); review and commit the diff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
