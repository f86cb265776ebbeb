"""Alert quality on the demo: do the alerts single out the planted problems, do the
forecasts warn of the planted slides in time, and how often would they have cried wolf?

``python -m bench.alerts`` builds the demo in a temporary folder and prints the table;
``make bench`` prints the same rows from the demo it has built.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.demo.problems import DRIFTS, PROBLEMS, alert_quality, planted
from pipelines.forecast import publish_forecasts
from pipelines.forecast.backtest import backtest, false_warnings
from pipelines.forecast.series import panels

# The rule's probability, and the others an analyst might choose, for the false-warning
# table: warnings raised on history within three months.
PROBABILITIES = (0.5, 0.6, 0.7, 0.8, 0.9)


def quality_rows(warehouse: Path) -> list[str]:
    """Markdown rows: each planted problem's rank on its own page, its parent's and the
    district's, then recall, the district's top ten and the shares of red and amber; each
    planted slide's early warning; false warnings on history; each indicator's backtest;
    and what forecasting adds to a refresh."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        period = con.execute("SELECT max(period) FROM ind.alert").fetchall()[0][0]
        q = alert_quality(con, period)
        rows = _problem_rows(q, period)
        rows += _amber_row(con, period)
        rows += early_warning_rows(con)
        rows += false_warning_rows(con)
        rows += accuracy_rows(con)
    finally:
        con.close()
    rows += forecast_time_rows(warehouse)
    return rows


def _problem_rows(q: dict, period: str) -> list[str]:
    names = {p.id: p.zh for p in PROBLEMS}
    rows = [
        f"| alert rank of `{p['id']}` ({names[p['id']]}): own page / parent / district "
        f"| {p['own']} / {p['parent']} / {p['district']} | |"
        for p in q["problems"]
    ]
    return rows + [
        f"| planted problems in the top 10 of their own page (recall) "
        f"| {q['recall_own_top10']:.0%} | target 100% |",
        f"| district's top 10 alerts that come from a planted problem "
        f"| {q['district_top10_planted']} of 10 | {q['alerts']} alerts in {period} |",
        f"| red share of (indicator, area) values with a status, {period} "
        f"| {q['red_share']:.1%} ({q['red']} of {q['judged']}) | target ≤ 5% |",
    ]


def _amber_row(con: duckdb.DuckDBPyConnection, period: str) -> list[str]:
    amber, judged = con.execute(
        "SELECT count(*) FILTER (WHERE status = 'amber'), count(*) FILTER (WHERE status IN "
        "('green', 'amber', 'red')) FROM ind.indicator_value WHERE period = ?",
        [period],
    ).fetchone()
    return [
        f"| amber share of (indicator, area) values with a status, {period} "
        f"| {amber / judged:.1%} ({amber} of {judged}) | target ≤ 5% |"
    ]


def early_warning_rows(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each planted slide: the first month it was warned of, against its first red month."""
    areas = con.execute("SELECT code, level FROM ind.area").df()
    rows = []
    for drift in planted(areas, DRIFTS):
        first = con.execute(
            "SELECT period, months, probability FROM ind.forecast_warning "
            "WHERE indicator_id = ? AND area_code = ? ORDER BY period LIMIT 1",
            [drift.indicator, drift.area_code],
        ).fetchone()
        if first is None:
            rows.append(f"| early warning of `{drift.id}` | none | red from {drift.red_from}: "
                        "**missed** |")  # fmt: skip
            continue
        ahead = (pd.Period(drift.red_from, freq="M") - pd.Period(first[0], freq="M")).n
        rows.append(
            f"| early warning of `{drift.id}` ({drift.zh}): first warned, red from "
            f"| {first[0]} (预计{first[1]}个月内转红，概率{first[2]:.0%}), {drift.red_from}: "
            f"{ahead} months ahead | ≥ 2 months ahead: {'met' if ahead >= 2 else '**missed**'} |"
        )
    return rows


def false_warning_rows(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Warnings the backtest would have raised on history, and how many of those whose
    months have been published were not followed by red: at each layer's own rule, and
    at other probabilities for every indicator with a red boundary (within 3 months)."""
    raised, judged, false = con.execute(
        "SELECT sum(warnings), sum(warnings_judged), sum(false_warnings) FROM ind.forecast_accuracy"
    ).fetchone()
    rows = [
        f"| backtest early warnings at the layers' rules: raised on history / judged / false "
        f"| {raised} / {judged} / {false} | {_share(false, judged)} false; aim ≤ 30% |"
    ]
    for p in PROBABILITIES:
        counts = [0, 0, 0]
        for panel in panels(con):
            if not panel.indicator.red_bound:
                continue
            rule = dataclasses.replace(panel.indicator, within=3, probability=p)
            tried = dataclasses.replace(panel, indicator=rule)
            bt = backtest(tried)
            if not bt.warns:
                continue
            seen, wrong = false_warnings(tried, bt.warnings)
            counts = [counts[0] + len(bt.warnings), counts[1] + seen, counts[2] + wrong]
        rows.append(
            f"| backtest early warnings, every indicator with a red boundary, within 3 months "
            f"at p ≥ {p:.0%}: raised / judged / false | {counts[0]} / {counts[1]} / {counts[2]} "
            f"| {_share(counts[2], counts[1])} false |"
        )
    return rows


def _share(part: int | None, whole: int | None) -> str:
    return f"{part / whole:.0%}" if whole else "none judged"


def accuracy_rows(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each indicator's rolling-origin backtest."""
    table = con.execute(
        "SELECT indicator_id, series, forecasts, mase, naive_mase, coverage80, coverage95, "
        "warns FROM ind.forecast_accuracy WHERE mase IS NOT NULL ORDER BY indicator_id"
    ).fetchall()
    rows = []
    for iid, series, n, mase, naive, c80, c95, warns in table:
        rows.append(
            f"| forecast backtest of `{iid}` ({series} series, {n:,} forecasts): MASE / "
            f"seasonal naive's, 80% / 95% interval coverage | {mase:.2f} / {naive:.2f}, "
            f"{c80:.0%} / {c95:.0%} | {'used' if warns else 'not used'} for warnings |"
        )
    return rows


def forecast_time_rows(warehouse: Path) -> list[str]:
    """What forecasting adds to a refresh: the step alone, on a copy of the warehouse."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.duckdb"
        shutil.copy(warehouse, copy)
        con = duckdb.connect(str(copy))
        try:
            started = time.perf_counter()
            made = publish_forecasts(con)
            seconds = time.perf_counter() - started
        finally:
            con.close()
    return [
        f"| forecasting in the refresh (forecasts, backtest, warnings): {made['forecasts']:,} "
        f"forecast months, {made['indicators']} indicators | {seconds:.1f} s | budget ≤ 10 s |"
    ]


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
