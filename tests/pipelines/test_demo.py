"""The demo district: real codes, synthetic but exact geometry, realistic extracts."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import orjson
import pytest

from pipelines.areas.synthetic_shapes import LOCAL_CRS
from pipelines.areas.tree import read_tree
from pipelines.demo import write_demo
from tests.helpers.cockpits import REPO, make_settings


@pytest.fixture(scope="module")
def demo_files(demo_extracts):
    return {p.parent.name: p for p in demo_extracts.glob("*/*")}


def test_area_tree_has_the_real_district():
    tree = read_tree(REPO / "data" / "reference").areas
    counts = tree["level"].value_counts().to_dict()
    assert counts == {"district": 1, "street": 8, "community": 75, "park": 1}
    wulin = tree[tree["code"] == "330103002000"].iloc[0]
    assert (wulin["name_zh"], wulin["name_en"]) == ("武林街道", "Wulin Subdistrict")
    per_street = tree[tree["level"] == "community"].groupby("parent_code").size()
    assert per_street["330103008000"] == 16  # 东新
    assert per_street["330103001000"] == 6  # 长庆
    park = tree[tree["level"] == "park"].iloc[0]
    assert park["name_zh"] == "杭州新天地园区" and park["parent_code"] == "330103008000"


def test_demo_is_the_same_every_run(demo_files, tmp_path):
    again = {p.parent.name: p for p in write_demo(make_settings(tmp_path))}
    for source, path in demo_files.items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert hashlib.sha256(again[source].read_bytes()).hexdigest() == digest, source


def _shapes(path):
    features = orjson.loads(path.read_bytes())["features"]
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    return frame.set_index("code").to_crs(LOCAL_CRS)


def test_geometry_is_plausible_and_tiles_exactly(demo_files):
    shapes = _shapes(demo_files["boundaries"])
    district = shapes[shapes["level"] == "district"].geometry.iloc[0]
    assert district.area / 1e6 == pytest.approx(31.46, abs=0.005)
    centre = gpd.GeoSeries([district], crs=LOCAL_CRS).to_crs(4326).iloc[0].centroid
    assert abs(centre.x - 120.17) < 0.02 and abs(centre.y - 30.29) < 0.02

    tree = read_tree(REPO / "data" / "reference").areas
    parents = dict(zip(tree["code"], tree["parent_code"], strict=True))
    tolerance = 1e-6  # of the parent's area: far below a square metre
    for level in ("street", "community"):
        children = shapes[shapes["level"] == level]
        for parent_code, group in children.groupby(children.index.map(parents)):
            parent = shapes.loc[parent_code].geometry
            union = group.geometry.union_all()
            assert union.symmetric_difference(parent).area < tolerance * parent.area, parent_code
            overlap = group.geometry.area.sum() - union.area
            assert overlap < tolerance * parent.area, f"children of {parent_code} overlap"
    park = shapes[shapes["level"] == "park"].iloc[0]
    assert park.geometry.area / 1e6 == pytest.approx(0.6, abs=0.01)
    assert shapes.loc["330103008000"].geometry.buffer(1).contains(park.geometry)


def test_extracts_come_as_departments_send_them(demo_files):
    assert demo_files["statistics"].suffix == ".xlsx"
    raw = demo_files["housing"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "社区" in raw.decode("gb18030")
    assert demo_files["health"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert orjson.loads(demo_files["youth"].read_bytes())["data"]["total"] == 75 * 24


def test_demo_data_stays_labelled_until_a_real_file_replaces_it(tmp_path, drop_demo):
    import duckdb
    import pandas as pd

    from pipelines.publish.refresh import run_refresh

    settings = make_settings(tmp_path)
    drop_demo(settings)
    assert run_refresh(settings, echo=lambda _line: None).ok

    def synthetic() -> dict[str, bool]:
        con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
        try:
            return dict(con.execute("SELECT source, synthetic FROM meta.source").fetchall())
        finally:
            con.close()

    assert all(synthetic().values())
    # The health department sends its real report: every month, one figure different.
    archived = next((settings.archive / "health").glob("*.csv"))
    real = pd.read_csv(archived, dtype=str)
    real.loc[0, "门诊人次"] = "1234"
    (settings.inbox / "health").mkdir(exist_ok=True)
    real.to_csv(settings.inbox / "health" / "社区卫生服务月报_真实.csv", index=False)
    assert run_refresh(settings, echo=lambda _line: None).ok
    after = synthetic()
    assert after["health"] is False
    assert all(v for source, v in after.items() if source != "health")
