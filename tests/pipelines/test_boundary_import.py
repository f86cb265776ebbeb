"""``cockpit areas import``: a district's own boundary files, checked whole, then served.

Against a real refreshed demo cockpit of its own: real Shapefiles, GeoJSON, GeoPackage and
TopoJSON files, the real warehouse and the ``cockpit`` command."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pytest
import shapely

from pipelines import warehouse
from pipelines.areas.boundary_import import (
    ImportOptions,
    ImportRefused,
    prepare,
    read_features,
)
from pipelines.ingest.geo import local_crs, reproject, to_chinese
from pipelines.publish.boundaries import import_boundaries
from pipelines.publish.refresh import run_refresh
from tests.helpers.cockpits import make_settings, run_cockpit


@pytest.fixture(scope="module")
def cockpit(tmp_path_factory: pytest.TempPathFactory, demo_extracts: Path):
    import shutil

    settings = make_settings(tmp_path_factory.mktemp("boundary-import"))
    shutil.copytree(demo_extracts, settings.inbox)
    assert run_refresh(settings, echo=lambda _line: None).ok
    return settings


def _served(settings, level: str | None = None) -> dict[str, tuple]:
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        rows = con.execute(
            "SELECT s.code, a.name_zh, s.geometry, s.geometry_display, s.synthetic "
            "FROM ind.area_shape s JOIN ind.area a USING (code) "
            "WHERE $level IS NULL OR a.level = $level",
            {"level": level},
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def test_a_gcj02_shapefile_with_a_gbk_dbf_of_names_comes_back_within_5_m(
    cockpit, tmp_path: Path
) -> None:
    before = _served(cockpit, "community")
    frame = gpd.GeoDataFrame(
        {"名称": [name for name, *_ in before.values()]},
        geometry=[to_chinese(shapely.from_geojson(g), "gcj02") for _n, g, *_ in before.values()],
        crs="EPSG:4326",  # what online maps' exports claim, whatever their coordinates
    )
    shp = tmp_path / "社区边界.shp"
    frame.to_file(shp, encoding="gbk", engine="pyogrio")
    shp.with_suffix(".cpg").unlink()  # as planning bureaus' files often come
    raw = shp.with_suffix(".dbf").read_bytes()
    assert "浙大御跸".encode("gbk") in raw and "浙大御跸".encode() not in raw

    outcome = import_boundaries(
        cockpit, shp, ImportOptions("community", name_field="名称", crs="gcj02")
    )
    assert outcome.ok, outcome.message
    assert len(outcome.report.matched) == 75 and not outcome.report.unmatched

    after = _served(cockpit, "community")
    crs = local_crs([shapely.from_geojson(g) for _n, g, *_ in before.values()])
    worst = 0.0
    for code, (_name, original, *_rest) in before.items():
        old, new = reproject(
            np.array([shapely.from_geojson(original), shapely.from_geojson(after[code][1])]),
            "EPSG:4326", crs,
        )  # fmt: skip
        worst = max(worst, shapely.hausdorff_distance(old, new))
    assert worst < 5.0, f"an area came back {worst:.2f} m away"
    assert not any(synthetic for *_rest, synthetic in after.values())


def test_a_bad_file_is_reported_whole_and_nothing_served_changes(cockpit, tmp_path: Path) -> None:
    version = warehouse.current_version(cockpit)
    before = _served(cockpit)
    communities = _served(cockpit, "community")
    code, (name, geometry, *_rest) = sorted(communities.items())[0]
    other_code, (other_name, other_geometry, *_rest) = sorted(communities.items())[1]
    minx, miny, maxx, maxy = shapely.from_geojson(geometry).bounds
    # A bow tie: its two triangles cross at the middle.
    bow_tie = [[minx, miny], [maxx, maxy], [maxx, miny], [minx, maxy], [minx, miny]]
    far_away = shapely.affinity.translate(shapely.from_geojson(other_geometry), 0.05, 0.05)
    features = [
        {"type": "Feature", "properties": {"name": "不存在社区"},
         "geometry": json.loads(geometry)},
        {"type": "Feature", "properties": {"name": name},
         "geometry": {"type": "Polygon", "coordinates": [bow_tie]}},
        {"type": "Feature", "properties": {"name": other_name},
         "geometry": shapely.geometry.mapping(far_away)},
    ]  # fmt: skip
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")

    with pytest.raises(ImportRefused) as refused:
        import_boundaries(cockpit, bad, ImportOptions("community", name_field="name"))
    report = refused.value.report
    assert report.unmatched == ["不存在社区"]
    assert any(name in line and "Self-intersection" in line for line in report.repaired)
    # Outside a real street (the union of the communities an earlier import brought, when
    # one did) it refuses the file; outside the demo's synthetic street it is a note.
    street = other_code[:9] + "000"
    if _served(cockpit, "street")[street][3]:
        assert any(other_code in line and "still synthetic" in line for line in report.notes)
    else:
        assert any(other_code in line and "outside" in line for line in report.outside)
        assert "outside their parent" in str(refused.value)
    assert len(report.missing) == 73  # the tree's other communities
    # The command says the same, names the file, and exits non-zero.
    done = run_cockpit(
        cockpit, "areas", "import", str(bad), "--level", "community", "--name-field", "name"
    )
    assert done.returncode == 1
    assert f"areas import: {bad}: refused" in done.stderr
    assert "features matching no area: 1" in done.stderr and "不存在社区" in done.stderr
    assert "the boundaries served are unchanged" in done.stderr
    assert warehouse.current_version(cockpit) == version
    assert _served(cockpit) == before
    assert not list((cockpit.inbox / "boundaries").glob("*bad*"))


def test_a_geopackage_joined_by_code_and_a_topojson_are_read(cockpit, tmp_path: Path) -> None:
    streets = _served(cockpit, "street")
    frame = gpd.GeoDataFrame(
        {"XZQDM": [code[:9] for code in streets]},  # the 9-digit form a person types
        geometry=[shapely.from_geojson(g) for _n, g, *_ in streets.values()],
        crs="EPSG:4326",
    )
    gpkg = tmp_path / "streets.gpkg"
    frame.to_file(gpkg, driver="GPKG", engine="pyogrio")
    shapes, report = prepare(cockpit, gpkg, ImportOptions("street", code_field="XZQDM"))
    assert sorted(shapes) == sorted(streets) and not report.errors
    assert not report.outside and not report.overlaps and not report.gaps

    topo = {
        "type": "Topology",
        "objects": {
            "parks": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "properties": {"name": "杭州新天地园区"}}
                ],
            }
        },
        "arcs": [[[120.18, 30.31], [120.19, 30.31], [120.19, 30.32], [120.18, 30.32],
                  [120.18, 30.31]]],
    }  # fmt: skip
    path = tmp_path / "parks.topojson"
    path.write_text(json.dumps(topo, ensure_ascii=False), encoding="utf-8")
    read = read_features(path)
    assert list(read["name"]) == ["杭州新天地园区"]
    assert read.geometry.iloc[0].bounds == pytest.approx((120.18, 30.31, 120.19, 30.32))
