"""Alert quality on the demo: do the alerts single out the planted problems?

``python -m bench.alerts`` builds the demo in a temporary folder and prints the table;
``make bench`` prints the same rows from the demo it has built.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from pipelines.demo.problems import PROBLEMS, alert_quality


def quality_rows(warehouse: Path) -> list[str]:
    """Markdown rows: each planted problem's rank on its own page, its parent's and the
    district's, then recall, the district's top ten and the share of red."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        period = con.execute("SELECT max(period) FROM ind.alert").fetchall()[0][0]
        q = alert_quality(con, period)
    finally:
        con.close()
    names = {p.id: p.zh for p in PROBLEMS}
    rows = [
        f"| alert rank of `{p['id']}` ({names[p['id']]}): own page / parent / district "
        f"| {p['own']} / {p['parent']} / {p['district']} | |"
        for p in q["problems"]
    ]
    rows += [
        f"| planted problems in the top 10 of their own page (recall) "
        f"| {q['recall_own_top10']:.0%} | target 100% |",
        f"| district's top 10 alerts that come from a planted problem "
        f"| {q['district_top10_planted']} of 10 | {q['alerts']} alerts in {period} |",
        f"| red share of (indicator, area) values with a status, {period} "
        f"| {q['red_share']:.1%} ({q['red']} of {q['judged']}) | target ≤ 5% |",
    ]
    return rows


def main() -> None:
    from pipelines.demo import write_demo
    from pipelines.publish.refresh import run_refresh
    from tests.conftest import make_settings

    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(Path(folder))
        write_demo(settings)
        run_refresh(settings, echo=lambda _line: None)
        for row in quality_rows(settings.warehouse.resolve()):
            print(row)


if __name__ == "__main__":
    main()
