"""Every published parent value is what its communities' own rows add up to: for every sum,
ratio and weighted-mean indicator, every street and the district, and every month.

The expected values are computed here, in pandas, from each layer's own rows (its SQL run
on the staged data), not from the published children, so a roll-up that drops, doubles
or averages anything is caught even where small counts hide the children.
"""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from pipelines.layers.engine import run_layer_sql
from pipelines.layers.spec import discover
from tests.helpers.cockpits import REPO

ROLLED = ("sum", "ratio", "weighted_mean")


@pytest.fixture(scope="module")
def leaves(demo, tmp_path_factory) -> dict[str, pd.DataFrame]:
    """Each rolled-up layer's own rows (communities and parks), from a copy of the demo."""
    copy = tmp_path_factory.mktemp("rollup") / "copy.duckdb"
    shutil.copyfile(demo.warehouse.resolve(), copy)
    con = duckdb.connect(str(copy))
    layers, errors = discover(REPO / "layers")
    assert errors == []
    out = {}
    try:
        for layer in layers:
            spec = layer.spec
            if spec.rollup in ROLLED and {"community", "street"} <= set(spec.levels):
                run_layer_sql(con, layer)
                out[layer.id] = con.execute("SELECT * FROM _leaf").df()
    finally:
        con.close()
    return out


@pytest.fixture(scope="module")
def published(demo) -> pd.DataFrame:
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    try:
        return con.execute(
            "SELECT v.indicator_id, v.area_code, v.level, v.period, v.value, v.numerator, "
            "v.denominator, v.suppressed, i.rollup, i.scale FROM ind.indicator_value v "
            "JOIN ind.indicator i USING (indicator_id) WHERE v.level IN ('street', 'district')"
        ).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def tree(demo) -> pd.DataFrame:
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    try:
        return con.execute("SELECT code, parent_code, level FROM ind.area").df()
    finally:
        con.close()


def _expected(leaf: pd.DataFrame, tree: pd.DataFrame, rollup: str, scale: float) -> pd.DataFrame:
    """Per street and for the district, per month: the value its communities make."""
    communities = leaf.merge(tree, left_on="area_code", right_on="code")
    communities = communities[communities["level"] == "community"]
    district = tree.loc[tree["level"] == "district", "code"].item()
    by_street = communities.assign(parent=communities["parent_code"])
    whole = communities.assign(parent=district)
    rows = pd.concat([by_street, whole])
    if rollup == "sum":
        totals = rows.groupby(["parent", "period"])["value"].sum().rename("expected")
    else:  # a ratio, or a weighted mean: its rows hold value × weight and weight
        parts = rows.groupby(["parent", "period"])[["numerator", "denominator"]].sum()
        totals = (parts["numerator"] / parts["denominator"] * scale).rename("expected")
    return totals.reset_index()


def test_there_is_a_roll_up_to_check(leaves, published):
    streets = published[published["level"] == "street"]
    rolled = set(streets.loc[streets["rollup"].isin(ROLLED), "indicator_id"])
    assert set(leaves) == rolled
    assert len(rolled) == 42  # every sum, ratio and weighted mean shown by street


def test_every_street_and_the_district_add_up_in_every_month(leaves, published, tree):
    checked, cells, wrong = 0, 0, []
    for indicator, leaf in leaves.items():
        mine = published[published["indicator_id"] == indicator]
        rollup, scale = mine["rollup"].iloc[0], mine["scale"].iloc[0]
        expected = _expected(leaf, tree, rollup, scale)
        both = mine.merge(
            expected, left_on=["area_code", "period"], right_on=["parent", "period"], how="outer"
        )
        # A parent exists exactly where some community of it has a row.
        assert both["value"].notna().sum() + both["suppressed"].fillna(False).sum() == len(both), (
            indicator
        )
        shown = both[~both["suppressed"].astype(bool)]
        off = shown[
            (shown["value"] - shown["expected"]).abs() > 1e-9 * shown["expected"].abs().clip(1)
        ]
        wrong += [(indicator, r.area_code, r.period, r.value, r.expected) for r in off.itertuples()]
        checked += len(shown)
        cells += len(both)
        # What is kept back publishes nothing.
        hidden = both[both["suppressed"].astype(bool)]
        assert hidden["value"].isna().all() and hidden["numerator"].isna().all(), indicator
    assert wrong == []
    # Every street and the district in every month, less the few cells kept back.
    assert checked > 0.9 * cells
