"""Any district from files: the area tree from NBS-style code lists, the shipped demo tree,
coordinates from Chinese online maps, and names as departments write them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from pipelines.areas.files import AreaFileError, build_area_tree
from pipelines.areas.matching import name_key
from pipelines.areas.tree import read_tree
from pipelines.ingest.geo import display_shapes, from_chinese, to_chinese
from tests.helpers.cockpits import REPO, make_settings, run_cockpit

REFERENCE = REPO / "data" / "reference"
GONGSHU = (
    REFERENCE / "gongshu_2023_street_codes_nbs.csv",
    REFERENCE / "gongshu_2023_community_codes_nbs.csv",
)


def test_the_shipped_demo_tree_is_the_one_its_code_lists_make() -> None:
    built = build_area_tree(
        REFERENCE / "xiacheng_street_codes_nbs.csv",
        REFERENCE / "xiacheng_community_codes_nbs.csv",
        REFERENCE / "parks.csv",
        REFERENCE / "area_details.csv",
    )
    shipped = read_tree(REFERENCE).areas
    pd.testing.assert_frame_equal(
        built.reset_index(drop=True), shipped.reset_index(drop=True), check_dtype=False
    )
    counts = shipped["level"].value_counts()
    assert (counts["district"], counts["street"], counts["community"]) == (1, 8, 75)
    top = shipped[shipped["parent_code"].isna()].iloc[0]
    assert (top["code"], top["name_zh"], top["area_km2"]) == ("330103000000", "下城区", 31.46)


def test_gongshu_from_its_2023_code_lists() -> None:
    tree = build_area_tree(*GONGSHU)
    counts = tree["level"].value_counts()
    assert (counts["district"], counts["street"], counts["community"]) == (1, 18, 178)
    assert tree.loc[tree["level"] == "district", "name_zh"].item() == "拱墅区"
    # English names, until the operator gives their own, are romanised from the Chinese.
    names = dict(zip(tree["name_zh"], tree["name_en"], strict=False))
    assert names["拱墅区"] == "Gongshu District"
    assert names["米市巷街道"] == "Mishixiang Subdistrict"
    assert names["夹城巷社区"] == "Jiachengxiang Community"
    assert set(tree["code"].str.len()) == {12}
    # Every community hangs under one of the 18 streets.
    streets = set(tree.loc[tree["level"] == "street", "code"])
    assert set(tree.loc[tree["level"] == "community", "parent_code"]) <= streets


def test_streets_of_several_districts_make_a_city(tmp_path: Path) -> None:
    """Hangzhou's two districts from the shipped lists, under 杭州市: the city's code is
    theirs to four digits; every street hangs under its own district."""
    streets = pd.concat(
        [
            pd.read_csv(GONGSHU[0], dtype=str),
            pd.read_csv(REFERENCE / "xiacheng_street_codes_nbs.csv", dtype=str),
        ]
    )
    communities = pd.concat([
        pd.read_csv(GONGSHU[1], dtype=str),
        pd.read_csv(REFERENCE / "xiacheng_community_codes_nbs.csv", dtype=str)[
            ["code", "name", "street_code", "street_name"]],
    ])  # fmt: skip
    streets.to_csv(tmp_path / "streets.csv", index=False)
    communities.to_csv(tmp_path / "communities.csv", index=False)
    tree = build_area_tree(tmp_path / "streets.csv", tmp_path / "communities.csv",
                           city_name="杭州市")  # fmt: skip
    top = tree[tree["parent_code"].isna()]
    assert top[["code", "level", "name_zh", "name_en"]].values.tolist() == [
        ["330100000000", "city", "杭州市", "Hangzhou City"]
    ]
    districts = tree[tree["level"] == "district"].set_index("code")["name_zh"].to_dict()
    assert districts == {"330103000000": "下城区", "330105000000": "拱墅区"}
    assert set(tree.loc[tree["level"] == "district", "parent_code"]) == {"330100000000"}
    street_parent = tree[tree["level"] == "street"].set_index("code")["parent_code"]
    assert street_parent["330103001000"] == "330103000000"
    assert street_parent["330105001000"] == "330105000000"


def test_districts_of_two_cities_are_refused(tmp_path: Path) -> None:
    (tmp_path / "streets.csv").write_text(
        "street_code,street_name,district_code,district_name\n"
        "330105001,米市巷街道,330105,拱墅区\n330206001,某街道,330206,北仑区\n",
        encoding="utf-8",
    )
    (tmp_path / "communities.csv").write_text(
        "code,name,street_code,street_name\n330105001051,夹城巷社区,330105001,米市巷街道\n",
        encoding="utf-8",
    )
    with pytest.raises(AreaFileError) as error:
        build_area_tree(tmp_path / "streets.csv", tmp_path / "communities.csv",
                        city_name="杭州市")  # fmt: skip
    assert "streets.csv: column district_code: districts of several cities (3301, 3302)" in str(
        error.value
    )


@pytest.mark.parametrize(
    ("streets", "communities", "expected"),
    [
        (
            "street_code,street_name,district_code,district_name\n330105001,米市巷街道,330105,拱墅区\n",
            "code,name,street_code,street_name\n33010500105,夹城巷社区,330105001,米市巷街道\n",
            "communities.csv: row 2, column code: '33010500105' is not a 12-digit code",
        ),
        (
            "street_code,street_name,district_code,district_name\n330105001,米市巷街道,330105,拱墅区\n",
            "code,name,street_code,street_name\n"
            "330105001051,夹城巷社区,330105001,米市巷街道\n330105002051,米市社区,330105002,湖墅街道\n",
            "communities.csv: row 3, column street_code: 330105002 is not a street of streets.csv",
        ),
        (
            "street_code,name,district_code,district_name\n330105001,米市巷街道,330105,拱墅区\n",
            "code,name,street_code,street_name\n330105001051,夹城巷社区,330105001,米市巷街道\n",
            "streets.csv: missing column(s) street_name",
        ),
        (
            "street_code,street_name,district_code,district_name\n"
            "330105001,米市巷街道,330105,拱墅区\n330106001,北山街道,330106,西湖区\n",
            "code,name,street_code,street_name\n330105001051,夹城巷社区,330105001,米市巷街道\n",
            "streets of 2 districts",
        ),
    ],
)
def test_a_bad_code_list_is_named_by_file_row_and_column(
    tmp_path: Path, streets: str, communities: str, expected: str
) -> None:
    (tmp_path / "streets.csv").write_text(streets, encoding="utf-8")
    (tmp_path / "communities.csv").write_text(communities, encoding="utf-8")
    with pytest.raises(AreaFileError) as error:
        build_area_tree(tmp_path / "streets.csv", tmp_path / "communities.csv")
    assert expected in str(error.value)


def test_areas_init_writes_the_tree_and_a_failed_one_keeps_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    done = run_cockpit(settings, "areas", "init", "--codes", *map(str, GONGSHU))
    assert done.returncode == 0, done.stderr
    assert "拱墅区 (330105000000), 18 streets, 178 communities" in done.stdout
    written = (settings.areas / "tree.csv").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,street_code,street_name\n1,x,2,y\n", encoding="utf-8")
    failed = run_cockpit(settings, "areas", "init", "--codes", str(GONGSHU[0]), str(bad))
    assert failed.returncode == 1
    assert f"{bad}: row 2, column street_code" in failed.stderr
    assert (settings.areas / "tree.csv").read_bytes() == written
    shown = run_cockpit(settings, "areas", "show")
    assert str(settings.areas) in shown.stdout and "street     18" in shown.stdout


# Published reference points (wandergis/coordtransform's test values, and a WGS84 point
# near Shanghai with its GCJ-02 and BD-09 forms), (lon, lat).
WGS84_BEIJING = (116.404, 39.915)
GCJ02_BEIJING = (116.41024449916938, 39.91640428150164)
WGS84_SONGJIANG = (121.0917077, 30.6107779)
GCJ02_SONGJIANG = (121.09626935575027, 30.608604331756705)
BD09_SONGJIANG = (121.10271732371203, 30.61484572185035)


@pytest.mark.parametrize(
    ("system", "given", "wgs84"),
    [
        ("gcj02", GCJ02_BEIJING, WGS84_BEIJING),
        ("gcj02", GCJ02_SONGJIANG, WGS84_SONGJIANG),
        ("bd09", BD09_SONGJIANG, WGS84_SONGJIANG),
    ],
)
def test_chinese_map_coordinates_come_back_to_wgs84(system, given, wgs84) -> None:
    point = from_chinese(shapely.Point(given), system)
    # 1e-6 degrees is about 0.1 m.
    assert point.x == pytest.approx(wgs84[0], abs=1e-6)
    assert point.y == pytest.approx(wgs84[1], abs=1e-6)
    there = to_chinese(shapely.Point(wgs84), system)
    assert (there.x, there.y) == pytest.approx(given, abs=1e-6)


@pytest.mark.parametrize(
    "written",
    ["浙大御跸社区", "浙大御跸", "浙大御跸社区居委会", "浙大御跸社区居民委员会", " 浙大 御跸社区 ",
     "浙大御跸\u3000社区"],
)  # fmt: skip
def test_names_match_with_or_without_their_level_word(written: str) -> None:
    assert name_key(written, "community") == name_key("浙大御跸社区", "community") == "浙大御跸"


def test_full_width_characters_match_their_ascii_form() -> None:
    assert name_key("ＡＢＣ社区", "community") == name_key("ABC社区", "community") == "ABC"
    assert name_key("长庆街道办事处", "street") == name_key("长庆街道", "street") == "长庆"


def test_only_the_levels_own_word_is_dropped() -> None:
    # 石桥社区 and 石桥街道 are different areas of the demo district.
    assert name_key("石桥社区", "street") != name_key("石桥街道", "street")
    assert name_key("石桥街道", "community") != name_key("石桥社区", "community")


def _jagged_neighbours() -> list:
    """Two areas split by a surveyed line of 400 vertices wiggling about 3 m (3e-5°), three
    times the display tolerance: what real boundary files look like up close."""
    rng = np.random.default_rng(7)
    x = np.linspace(120.10, 120.12, 400)
    y = 30.30 + np.cumsum(rng.normal(0, 3e-5, x.size))
    line = list(zip(x, y, strict=True))
    south = shapely.Polygon([(120.10, 30.29), (120.12, 30.29), *line[::-1]])
    # Each ring starts where its surveyor began: the north one half-way along the line.
    ring = [*line, (120.12, 30.31), (120.10, 30.31)]
    north = shapely.Polygon(ring[150:] + ring[:150])
    return [south, north]


def test_display_simplification_keeps_neighbours_edges_shared() -> None:
    shapes = _jagged_neighbours()
    drawn = display_shapes(shapes, 1e-5)
    assert sum(len(d.exterior.coords) for d in drawn) < sum(len(s.exterior.coords) for s in shapes)
    union = shapely.union_all(drawn)
    # No overlap (the parts add up to the whole) and no gap (no hole between them).
    assert sum(d.area for d in drawn) == pytest.approx(union.area, rel=1e-9)
    assert union.geom_type == "Polygon" and not union.interiors
    # Simplifying each shape alone opens slivers: the checks above can fail.
    alone = shapely.union_all([s.simplify(1e-5, preserve_topology=True) for s in shapes])
    assert len(alone.interiors) > 0
