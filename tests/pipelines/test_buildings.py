"""Buildings as data: the demo's synthetic set, and a district's own footprints imported
with ``cockpit areas import FILE --level building``, checked whole, then served.

Against a real refreshed demo cockpit of its own: real Shapefiles and GeoJSON files, the
real warehouse and the ``cockpit`` command."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import orjson
import pytest
import shapely

from pipelines.areas.building_import import BuildingOptions, BuildingsRefused
from pipelines.areas.synthetic_buildings import (
    _CANAL_HALF_WIDTH_M,
    _canal,
)
from pipelines.ingest.geo import local_crs, reproject, to_chinese
from pipelines.publish.buildings import import_buildings
from pipelines.publish.refresh import run_refresh
from tests.helpers.cockpits import make_settings, run_cockpit


@pytest.fixture(scope="module")
def cockpit(tmp_path_factory: pytest.TempPathFactory, demo_extracts: Path):
    settings = make_settings(tmp_path_factory.mktemp("buildings"))
    shutil.copytree(demo_extracts, settings.inbox)
    assert run_refresh(settings, echo=lambda _line: None).ok
    return settings


def _query(settings, sql: str, params: object = None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _served(settings) -> list[tuple]:
    return _query(
        settings,
        "SELECT building_id, community_code, height_m, floors, outline, synthetic "
        "FROM ind.building ORDER BY building_id",
    )


def test_the_demo_builds_a_plausible_district_of_synthetic_buildings(cockpit) -> None:
    rows = _query(
        cockpit,
        "SELECT b.floors, b.height_m, b.park_code IS NOT NULL, b.synthetic, b.lon, b.lat, "
        "s.geometry FROM ind.building b JOIN ind.area_shape s ON s.code = b.community_code",
    )
    assert len(rows) > 10_000  # about 450 a km² over the demo's 31 km²
    homes = [r for r in rows if not r[2]]
    park = [r for r in rows if r[2]]
    assert {r[0] for r in homes} == set(range(6, 34))  # walk-ups to towers
    assert park and {r[0] for r in park} <= {1, 2, 3, 4}  # low-rise in the park
    assert all(r[3] for r in rows)
    assert all(h == pytest.approx(3.0 * f) for f, h, *_ in rows)
    # Each is filed under the community whose boundary holds it.
    for _f, _h, _p, _s, lon, lat, shape in rows[::97]:
        assert shapely.contains_xy(shapely.from_geojson(shape), lon, lat)


def test_no_demo_building_stands_in_the_canal_or_on_a_road(cockpit) -> None:
    shapes = _query(
        cockpit,
        "SELECT s.geometry FROM ind.area_shape s JOIN ind.area a USING (code) "
        "WHERE a.level = 'community'",
    )
    communities = [shapely.from_geojson(g) for (g,) in shapes]
    crs = local_crs(communities)
    land = shapely.union_all(reproject(np.array(communities, dtype=object), "EPSG:4326", crs))
    water = _canal(land).buffer(_CANAL_HALF_WIDTH_M)
    streets = _query(
        cockpit,
        "SELECT s.geometry FROM ind.area_shape s JOIN ind.area a USING (code) "
        "WHERE a.level = 'street'",
    )
    edges = shapely.union_all(
        [g.boundary for g in reproject(
            np.array([shapely.from_geojson(g) for (g,) in streets], dtype=object),
            "EPSG:4326", crs,
        )]
    )  # fmt: skip
    outlines = [orjson.loads(r[4])[0] for r in _served(cockpit)]
    footprints = reproject(
        shapely.polygons([np.array(o).reshape(-1, 2) * 1e-6 for o in outlines]),
        "EPSG:4326",
        crs,
    )
    assert not shapely.intersects(water, footprints).any()
    # Main roads run along the streets' edges: no building within 10 m of one.
    assert (shapely.distance(edges, footprints) > 10).all()
    assert water.intersection(land).area > 100_000  # there is a canal to keep out of


def test_the_catalog_lists_buildings_as_a_synthetic_source(cockpit) -> None:
    (row,) = _query(
        cockpit,
        "SELECT title_zh, synthetic, last_status FROM meta.source WHERE source = 'buildings'",
    )
    assert row == ("建筑轮廓", True, "ok")


@pytest.fixture
def own_cockpit(tmp_path: Path, cockpit):
    """A copy of the refreshed demo cockpit a test may change."""
    root = tmp_path / "own"
    shutil.copytree(cockpit.warehouse.parent.parent, root, symlinks=True)
    settings = make_settings(root)
    # The copied link names the original's version: point it at the copy's.
    link = settings.warehouse
    target = Path(str(link.resolve()).replace(str(cockpit.warehouse.parent.parent), str(root)))
    link.unlink()
    link.symlink_to(target)
    return settings


def _survey(settings, count: int = 300) -> tuple[gpd.GeoDataFrame, list[tuple]]:
    """A planning bureau's survey: the first ``count`` demo buildings as real footprints,
    with floors and Chinese names, in WGS84 (the caller moves them to its CRS)."""
    served = _served(settings)[:count]
    geoms = [
        shapely.Polygon(np.array(orjson.loads(outline)[0]).reshape(-1, 2) * 1e-6)
        for *_rest, outline, _s in served
    ]
    frame = gpd.GeoDataFrame(
        {"名称": [f"楼{i}号" for i in range(len(served))], "层数": [r[3] for r in served]},
        geometry=geoms,
        crs="EPSG:4326",
    )
    return frame, served


def test_a_gcj02_shapefile_with_a_gbk_dbf_and_floors_replaces_the_synthetic_set(
    own_cockpit, tmp_path: Path
) -> None:
    frame, original = _survey(own_cockpit)
    frame = frame.set_geometry([to_chinese(g, "gcj02") for g in frame.geometry])
    shp = tmp_path / "建筑普查.shp"
    frame.to_file(shp, encoding="gbk", engine="pyogrio")
    shp.with_suffix(".cpg").unlink()  # as planning bureaus' files often come
    assert "楼1号".encode("gbk") in shp.with_suffix(".dbf").read_bytes()

    done = run_cockpit(
        own_cockpit, "areas", "import", str(shp), "--level", "building",
        "--floors-field", "层数", "--crs", "gcj02",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "buildings ready: 300" in done.stdout

    served = _served(own_cockpit)
    assert len(served) == 300
    assert not any(r[5] for r in served)  # real now, not synthetic
    crs = local_crs([frame.geometry.iloc[0]])
    worst = 0.0
    for old, new in zip(original, served, strict=True):
        assert new[1] == old[1]  # the same community, found by position
        assert new[2] == 3.0 * old[3] and new[3] == old[3]
        a, b = (
            shapely.Polygon(np.array(orjson.loads(r[4])[0]).reshape(-1, 2) * 1e-6)
            for r in (old, new)
        )
        moved = reproject(np.array([a.centroid, b.centroid]), "EPSG:4326", crs)
        worst = max(worst, moved[0].distance(moved[1]))
    assert worst < 1.0  # GCJ-02 undone to well under a metre
    (row,) = _query(own_cockpit, "SELECT synthetic FROM meta.source WHERE source = 'buildings'")
    assert row == (False,)


def _refused(settings, path: Path, options: BuildingOptions) -> str:
    before = _served(settings)
    staged = sorted((settings.inbox / "buildings").glob("*"))
    with pytest.raises(BuildingsRefused) as refused:
        import_buildings(settings, path, options)
    assert _served(settings) == before  # the buildings served are unchanged
    assert sorted((settings.inbox / "buildings").glob("*")) == staged  # nothing staged
    return refused.value.report.text()


def test_a_file_without_its_height_field_is_refused_naming_its_fields(
    own_cockpit, tmp_path: Path
) -> None:
    frame, _ = _survey(own_cockpit, 20)
    path = tmp_path / "no-height.geojson"
    frame.drop(columns=["层数"]).to_file(path, engine="pyogrio")
    text = _refused(own_cockpit, path, BuildingOptions(floors_field="层数"))
    assert f"{path}: no field '层数'; its fields are 名称" in text
    text = _refused(own_cockpit, path, BuildingOptions())
    assert "give --height-field FIELD (metres) or --floors-field FIELD" in text


def test_points_empty_heights_and_buildings_outside_are_each_named(
    own_cockpit, tmp_path: Path
) -> None:
    frame, _ = _survey(own_cockpit, 30)
    geoms = list(frame.geometry)
    geoms[4] = geoms[4].centroid  # a point, not a footprint
    geoms[9] = shapely.affinity.translate(geoms[9], 0.3, 0.0)  # 30 km east
    floors = frame["层数"].astype(float).tolist()
    floors[14] = np.nan
    floors[19] = 400.0  # 1,200 m: a typing error
    bad = frame.assign(层数=floors).set_geometry(geoms)
    path = tmp_path / "普查.gpkg"
    bad.to_file(path, engine="pyogrio", layer="buildings")
    text = _refused(own_cockpit, path, BuildingOptions(floors_field="层数"))
    assert f"{path.name}: feature 5: geometry: a Point, expected a polygon" in text
    assert f"{path.name}: feature 10: outside the district (" in text
    assert f"{path.name}: feature 15: 层数: missing" in text
    assert f"{path.name}: feature 20: 层数: 1200.0 m is taller than any building" in text
    assert "4 building(s) cannot be drawn" in text

    # With --skip-bad the 26 good ones replace the set, and the report still lists the rest.
    outcome = import_buildings(
        own_cockpit, path, BuildingOptions(floors_field="层数", skip_bad=True)
    )
    assert outcome.ok and outcome.report.good == 26 and len(outcome.report.bad) == 4
    assert len(_served(own_cockpit)) == 26


def test_a_file_in_the_wrong_crs_is_refused_as_such(own_cockpit, tmp_path: Path) -> None:
    frame, _ = _survey(own_cockpit, 40)
    path = tmp_path / "projected.geojson"
    # Metres in the Gauss–Krüger zone of Hangzhou, declared as longitude/latitude.
    moved = frame.to_crs("EPSG:4549")
    moved = moved.set_geometry(
        [shapely.affinity.scale(g, 1e-5, 1e-5, origin=(0, 0)) for g in moved.geometry]
    ).set_crs("EPSG:4326", allow_override=True)
    moved.to_file(path, engine="pyogrio")
    text = _refused(own_cockpit, path, BuildingOptions(floors_field="层数"))
    assert "40 of 40 buildings lie outside the district: is the file's --crs right" in text


def test_the_demo_leaves_a_districts_own_buildings_be(own_cockpit, tmp_path: Path) -> None:
    frame, _ = _survey(own_cockpit, 50)
    path = tmp_path / "own.geojson"
    frame.to_file(path, engine="pyogrio")
    assert import_buildings(own_cockpit, path, BuildingOptions(floors_field="层数")).ok
    done = run_cockpit(own_cockpit, "demo")
    assert done.returncode == 0, done.stderr
    assert not (own_cockpit.inbox / "buildings" / "buildings_synthetic.geojson").exists()
    assert run_refresh(own_cockpit, echo=lambda _line: None).ok
    assert len(_served(own_cockpit)) == 50
