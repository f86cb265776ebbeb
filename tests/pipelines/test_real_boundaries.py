"""Real boundaries, end to end, as a district's IT team brings them: streets and communities
in the order they come, a file with a feature that is no area (a 网格) and without one
community, a community in two pieces, and `cockpit demo` and `cockpit refresh` after or
before. Every time, the served shapes are the imported ones within 5 m, the synthetic
ones fit around them, the demo's facilities stand inside the shapes in force, and the
labels and catalog say what is real.

The "real" district is the demo's tree drawn somewhere else: the demo's synthetic shapes
turned by 12° and moved 11 km east, a community given a second piece from its neighbour.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import mapping

from pipelines.areas.matching import did_you_mean
from pipelines.areas.synthetic_shapes import synthetic_boundaries
from pipelines.areas.tree import load_area_tree
from pipelines.ingest.geo import local_crs, reproject, to_chinese
from tests.helpers.cockpits import make_settings, run_cockpit

pytestmark = pytest.mark.flows

MISSING = "330103001060"  # a community the communities file lacks
TWO_PIECES, GIVES_A_PIECE = "330103002051", "330103002052"


@pytest.fixture(scope="module")
def real_district(tmp_path_factory) -> dict[str, dict]:
    """The "real" shapes by level: {code: (name, geometry)}."""
    settings = make_settings(tmp_path_factory.mktemp("tree"))
    areas = load_area_tree(settings)
    drawn = synthetic_boundaries(areas, seed=7)
    top = next(f for f in drawn["features"] if f["properties"]["level"] == "district")
    centre = shapely.geometry.shape(top["geometry"]).centroid
    out: dict[str, dict] = {"district": {}, "street": {}, "community": {}}
    for feature in drawn["features"]:
        props = feature["properties"]
        if props["level"] not in out:
            continue
        geom = shapely.geometry.shape(feature["geometry"])
        geom = shapely.affinity.rotate(geom, 12, origin=centre)
        geom = shapely.affinity.translate(geom, 0.11, 0.0)
        out[props["level"]][props["code"]] = (props["name_zh"], geom)
    # A piece of one community belongs to its neighbour (a real exclave).
    name, donor = out["community"][GIVES_A_PIECE]
    c = donor.representative_point()
    piece = shapely.box(c.x - 0.001, c.y - 0.001, c.x + 0.001, c.y + 0.001).intersection(donor)
    out["community"][GIVES_A_PIECE] = (name, donor.difference(piece))
    name, taker = out["community"][TWO_PIECES]
    out["community"][TWO_PIECES] = (name, shapely.MultiPolygon([*_parts(taker), *_parts(piece)]))
    return out


def _parts(geom) -> list:
    return list(geom.geoms) if hasattr(geom, "geoms") else [geom]


def _file(path: Path, shapes: dict, extra: list | None = None, crs: str | None = None) -> Path:
    features = [
        {"type": "Feature", "properties": {"名称": name},
         "geometry": mapping(to_chinese(geom, crs) if crs else geom)}
        for name, geom in shapes.values()
    ] + (extra or [])  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")  # fmt: skip
    return path


def _communities_file(folder: Path, real: dict, crs: str | None = None) -> Path:
    shapes = {c: v for c, v in real["community"].items() if c != MISSING}
    grid = shapely.geometry.shape(mapping(shapes[GIVES_A_PIECE][1])).buffer(-0.0005)
    extra = [{"type": "Feature", "properties": {"名称": "朝晖一区网格"}, "geometry": mapping(grid)}]
    return _file(folder / "社区边界.geojson", shapes, extra, crs)


def _served(settings) -> dict[str, tuple]:
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        rows = con.execute(
            "SELECT s.code, a.level, a.parent_code, s.geometry, s.synthetic "
            "FROM ind.area_shape s JOIN ind.area a USING (code)"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2], shapely.from_geojson(r[3]), r[4]) for r in rows}


def _off_by_m(a, b) -> float:
    crs = local_crs([a])
    one, two = reproject(np.array([a, b], dtype=object), "EPSG:4326", crs)
    return shapely.hausdorff_distance(one, two)


def _assert_served_as_imported(settings, real: dict, levels: tuple[str, ...]) -> None:
    served = _served(settings)
    for level in levels:
        for code, (_name, geom) in real[level].items():
            if code == MISSING:
                continue
            assert served[code][3] is False, code  # real, not synthetic
            assert _off_by_m(served[code][2], geom) < 5, (level, code)


def _assert_the_rest_fits(settings) -> None:
    """The synthetic shapes lie inside their real parent and off their real siblings, and
    the demo's facilities and tickets stand inside their areas."""
    served = _served(settings)
    _level, parent, missing, synthetic = served[MISSING]
    assert synthetic is True
    assert missing.difference(served[parent][2].buffer(1e-5)).area < 0.01 * missing.area
    for code, (level, par, geom, fake) in served.items():
        if level == "community" and par == parent and not fake:
            assert missing.intersection(geom).area < 0.01 * missing.area, code
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        for table in ("elevator_month", "car_parks", "hotline_ticket"):
            points = con.execute(
                f"SELECT DISTINCT area_code, lon, lat FROM stg.{table} WHERE lon IS NOT NULL"
            ).df()
            inside = [
                shapely.contains_xy(served[code][2], group["lon"], group["lat"]).sum()
                for code, group in points.groupby("area_code") if code in served
            ]  # fmt: skip
            assert sum(inside) >= 0.9 * len(points), table
    finally:
        con.close()


def _parks(settings) -> list[str]:
    return [c for c, (level, *_rest) in _served(settings).items() if level == "park"]


def _says_schematic(settings, parent: str, level: str) -> bool:
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        return bool(
            con.execute(
                "SELECT bool_or(s.synthetic) FROM ind.area_shape s JOIN ind.area a USING (code) "
                "WHERE a.parent_code = ? AND a.level = ?",
                [parent, level],
            ).fetchone()[0]
        )
    finally:
        con.close()


def test_streets_then_communities_then_the_demo_keeps_every_real_shape(real_district, tmp_path):
    settings = make_settings(tmp_path / "cockpit")
    streets = _file(tmp_path / "街道.geojson", real_district["street"])
    done = run_cockpit(settings, "areas", "import", str(streets), "--level", "street",
                       "--name-field", "名称")  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Nothing to check the streets against yet: the district is their union, and says so.
    assert "下城区 (330103000000) had no real boundary" in done.stdout

    communities = _communities_file(tmp_path, real_district)
    refused = run_cockpit(settings, "areas", "import", str(communities), "--level", "community",
                          "--name-field", "名称")  # fmt: skip
    assert refused.returncode == 1
    assert "朝晖一区网格" in refused.stderr and "--skip-unmatched" in refused.stderr
    # Each problem once.
    assert refused.stderr.count("朝晖一区网格") == 1
    done = run_cockpit(settings, "areas", "import", str(communities), "--level", "community",
                       "--name-field", "名称", "--skip-unmatched")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "features matching no area: 1" in done.stdout
    assert "features joined into one area" not in done.stdout  # one multi-part feature

    assert run_cockpit(settings, "demo").returncode == 0
    assert run_cockpit(settings, "refresh").returncode == 0
    _assert_served_as_imported(settings, real_district, ("street", "community"))
    _assert_the_rest_fits(settings)
    served = _served(settings)
    assert served["330103000000"][3] is False  # the streets' union, as real as they are
    # 示意边界 on the maps with a synthetic shape, and on no other.
    assert not _says_schematic(settings, "330103000000", "street")
    assert _says_schematic(settings, served[MISSING][1], "community")
    assert not _says_schematic(settings, "330103002000", "community")
    # The catalog's count: what is real and what is not.
    from dashboard.reading import metadata
    from tests.helpers.inprocess import app_for

    with app_for(settings) as site, site.app.server.app_context():
        entry = metadata.catalog(pd.Timestamp.now(tz="UTC").to_pydatetime())
    row = entry[entry["source"] == "boundaries"].iloc[0]
    assert int(row["real_shapes"]) == 1 + 8 + 74  # the district, the streets, the communities
    assert int(row["synthetic_shapes"]) == 1 + len(_parks(settings))  # the missing one, parks


def test_the_demo_first_then_communities_then_streets(real_district, tmp_path, demo_extracts):
    settings = make_settings(tmp_path / "cockpit")
    shutil.copytree(demo_extracts, settings.inbox)
    assert run_cockpit(settings, "refresh").returncode == 0
    communities = _communities_file(tmp_path, real_district)
    done = run_cockpit(settings, "areas", "import", str(communities), "--level", "community",
                       "--name-field", "名称", "--skip-unmatched")  # fmt: skip
    # The communities lie 11 km from the synthetic streets: notes, not refusals.
    assert done.returncode == 0, done.stderr
    assert "whose boundary is still synthetic" in done.stdout
    assert "redrawn around the real ones" in done.stdout
    _assert_served_as_imported(settings, real_district, ("community",))
    served = _served(settings)
    # A street whose every community came is their union; the one missing one is not.
    assert served["330103002000"][3] is False
    assert _off_by_m(served["330103002000"][2], real_district["street"]["330103002000"][1]) < 5
    assert served["330103001000"][3] is True
    _assert_the_rest_fits(settings)

    streets = _file(tmp_path / "街道.geojson", real_district["street"])
    done = run_cockpit(settings, "areas", "import", str(streets), "--level", "street",
                       "--name-field", "名称")  # fmt: skip
    assert done.returncode == 0, done.stderr
    _assert_served_as_imported(settings, real_district, ("street", "community"))
    _assert_the_rest_fits(settings)


def test_a_file_in_gcj02_read_as_wgs84_is_refused_with_the_right_crs(real_district, tmp_path):
    """One level wrong against the real streets in force; and every level wrong, found by
    a department's lifts."""
    settings = make_settings(tmp_path / "one")
    streets = _file(tmp_path / "街道.geojson", real_district["street"])
    assert run_cockpit(settings, "areas", "import", str(streets), "--level", "street",
                       "--name-field", "名称").returncode == 0  # fmt: skip
    wrong = _communities_file(tmp_path, real_district, crs="gcj02")
    refused = run_cockpit(settings, "areas", "import", str(wrong), "--level", "community",
                          "--name-field", "名称", "--skip-unmatched")  # fmt: skip
    assert refused.returncode == 1
    assert "look like GCJ02" in refused.stderr and "--crs gcj02" in refused.stderr

    settings = make_settings(tmp_path / "all")
    rows = []
    for code, (_name, geom) in real_district["community"].items():
        for _ in range(3):
            point = geom.representative_point()
            rows.append(("2019-12", f"31103301{len(rows):06d}", code, round(point.x, 6),
                         round(point.y, 6), 0, 0, 1, "是"))  # fmt: skip
    folder = settings.inbox / "elevators"
    folder.mkdir(parents=True)
    pd.DataFrame(rows, columns=["统计月份", "设备注册代码", "所在区域代码", "经度", "纬度",
                                "困人报警次数", "故障次数", "维保次数", "维保是否按期"]).to_csv(
        folder / "电梯月报_201912.csv", index=False, encoding="utf-8-sig")  # fmt: skip
    assert run_cockpit(settings, "refresh", "elevators").returncode == 0
    wrong = _file(tmp_path / "街道-gcj.geojson", real_district["street"], crs="gcj02")
    refused = run_cockpit(settings, "areas", "import", str(wrong), "--level", "street",
                          "--name-field", "名称")  # fmt: skip
    assert refused.returncode == 1
    assert "--crs gcj02" in refused.stderr
    # Read as what it is, the same file goes in.
    assert run_cockpit(settings, "areas", "import", str(wrong), "--level", "street",
                       "--name-field", "名称", "--crs", "gcj02").returncode == 0  # fmt: skip


def test_an_unknown_name_gets_did_you_mean_by_characters_and_by_sound(tmp_path):
    areas = load_area_tree(make_settings(tmp_path))
    communities = areas[areas["level"] == "community"]
    # A character dropped; and another character of the same sound (御跸 → 玉碧).
    assert any("浙大御跸社区" in g for g in did_you_mean("浙大御社区", communities, "community"))
    assert any("浙大御跸社区" in g for g in did_you_mean("浙大玉碧", communities, "community"))
    # Each candidate with its code, to join by code where names are shared.
    assert all(g.endswith(")") and "(3301" in g
               for g in did_you_mean("浙大御社区", communities, "community"))  # fmt: skip
