"""An incremental refresh: the health department re-sends its report with one community's
December changed; only the layers that read the health source are computed again, and
what is published is exactly what a refresh computing everything would publish."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.layers.kept import EVERY_REFRESH
from pipelines.layers.spec import discover
from pipelines.publish.refresh import run_refresh
from tests.helpers.cockpits import make_settings

COMMUNITY = "330103001051"
COLUMNS = (
    "indicator_id, area_code, period, level, value, numerator, denominator, status, rank, "
    "rank_of, prev_value, yoy_value, suppressed, target"
)


def _correction(extracts: Path, folder: Path) -> Path:
    """The health report again, this community's December clinic visits now 7777."""
    report = pd.read_csv(next((extracts / "health").glob("*.csv")), dtype=str)
    row = (report["社区编码"] == COMMUNITY) & (report["统计期"] == "2019-12")
    assert row.sum() == 1 and report.loc[row, "门诊人次"].iloc[0] != "7777"
    report.loc[row, "门诊人次"] = "7777"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "社区卫生服务月报_更正.csv"
    report.to_csv(path, index=False)
    return path


def _reading(settings, tables: set[str]) -> int:
    """How many layers read any of ``tables``."""
    layers, _errors = discover(settings.layers)
    return sum(bool(set(layer.spec.sources) & tables) for layer in layers)


def _said(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("layers "))


def _published(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        return con.execute(f"SELECT {COLUMNS} FROM ind.indicator_value ORDER BY ALL").fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_only_the_changed_source_s_layers_are_computed_and_the_result_is_the_full_one(
    tmp_path: Path, demo_extracts: Path
) -> None:
    lines: list[str] = []
    served = make_settings(tmp_path / "served")
    shutil.copytree(demo_extracts, served.inbox)
    assert run_refresh(served, echo=lines.append).ok
    assert any("(55 computed, 0 kept" in line for line in lines), lines[-6:]
    before = _published(served)

    lines.clear()
    _correction(demo_extracts, served.inbox / "health")
    assert run_refresh(served, echo=lines.append).ok
    computed = _reading(served, {"stg.health_services"} | EVERY_REFRESH)
    assert 6 <= computed < 20
    assert f"({computed} computed, {55 - computed} kept" in _said(lines), _said(lines)
    after = _published(served)
    changed = {r[0] for r in set(after) ^ set(before)}
    assert "clinic_visits" in changed
    assert any(r[0] == "clinic_visits" and r[1] == COMMUNITY and r[2] == "2019-12"
               and r[4] == 7777 for r in after)  # fmt: skip

    # The same files refreshed from nothing, every layer computed.
    scratch = make_settings(tmp_path / "scratch")
    shutil.copytree(demo_extracts, scratch.inbox)
    _correction(demo_extracts, scratch.inbox / "health")
    assert run_refresh(scratch, echo=lambda _line: None).ok
    assert after == _published(scratch)


def test_a_changed_layer_file_is_computed_again_without_new_data(
    tmp_path: Path, demo_extracts: Path
) -> None:
    settings = make_settings(tmp_path, layers=tmp_path / "layers")
    shutil.copytree(make_settings(tmp_path).layers, settings.layers)
    shutil.copytree(demo_extracts, settings.inbox)
    assert run_refresh(settings, echo=lambda _line: None).ok
    layer = settings.layers / "society" / "clinic_visits.yml"
    layer.write_text(layer.read_text(encoding="utf-8") + "# reviewed by the health bureau\n")
    lines: list[str] = []
    assert run_refresh(settings, echo=lines.append).ok
    # The edited layer, and those that read what every refresh rebuilds.
    computed = 1 + _reading(settings, EVERY_REFRESH)
    assert f"({computed} computed, {55 - computed} kept" in _said(lines), _said(lines)
