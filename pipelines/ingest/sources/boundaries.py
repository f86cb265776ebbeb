"""Area boundaries: a GeoJSON FeatureCollection in WGS84, one feature per area code.

Geometry is data: the demo ships synthetic boundaries through this same source, and a
district replaces them by dropping its own file into ``inbox/boundaries/``. Codes are
checked by the same SQL contract as every other source; geometry by shapely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from cockpit.levels import LEVELS
from pipelines.ingest.contract import TabularSource, validate
from pipelines.ingest.extract import EXTRACT, Staged, geojson_features
from pipelines.ingest.fields import Batch, Field
from pipelines.ingest.geo import areas_km2, display_shapes, display_tolerance
from pipelines.ingest.validation import CHECKED

CODE_PROPERTIES = ("code", "area_code", "区划代码", "统计用区划代码", "CODE")

# The feature codes go through the same checks as any source's area column.
_CODES = TabularSource(
    id="boundaries",
    department_id="planning",
    department_zh="区规划和自然资源分局",
    department_en="Planning & Natural Resources",
    title_zh="行政区划边界",
    title_en="Administrative boundaries",
    table="boundary",
    fields=(
        Field(
            "code",
            "area",
            CODE_PROPERTIES,
            levels=LEVELS,
        ),
    ),
    key=("code",),
    cadence="0 5 1 1 *",
    max_age_days=400,
    period_field=None,
)


def _feature_code(props: dict) -> str:
    for key in CODE_PROPERTIES:
        if props.get(key) not in (None, ""):
            return str(props[key])
    return ""


def _geometry_problems(feature: dict) -> tuple[object, list[str]]:
    try:
        geom = shape(feature.get("geometry"))
    except (AttributeError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        return None, [f"geometry: unreadable ({exc})"]
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None, [f"geometry: a {geom.geom_type}, expected a polygon"]
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, ["geometry: coordinates are not WGS84 longitude/latitude"]
    return geom, []


@dataclass(frozen=True)
class BoundarySource:
    id: str = _CODES.id
    department_id: str = _CODES.department_id
    department_zh: str = _CODES.department_zh
    department_en: str = _CODES.department_en
    title_zh: str = _CODES.title_zh
    title_en: str = _CODES.title_en
    description_zh: str = "区、街道、社区和园区边界（GeoJSON，WGS84）。演示数据为合成边界。"
    description_en: str = (
        "District, street, community and park boundaries (GeoJSON, WGS84). "
        "The demo's boundaries are synthetic."
    )
    table: str = _CODES.table
    cadence: str = _CODES.cadence
    max_age_days: int = _CODES.max_age_days

    def schema(self) -> list[dict]:
        geometry = {
            "name": "geometry",
            "type": "polygon",
            "headers": ["geometry"],
            "required": True,
        }
        return [*_CODES.schema(), geometry]

    def files(self, inbox: Path) -> list[Path]:
        folder = inbox / self.id
        return sorted(p for p in folder.glob("*.geojson") if p.is_file())

    def read(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        today: dt.date | None = None,
        scratch: Path | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Batch:
        features = geojson_features(path)
        rows = []
        for number, feature in enumerate(features, start=1):
            props = feature.get("properties") or {}
            geom, problems = _geometry_problems(feature)
            rows.append(
                {
                    "_row": number,
                    "code": _feature_code(props),
                    "name": str(props.get("name_zh") or props.get("name") or ""),
                    "_geometry": geom.wkb if geom is not None else None,
                    "_problems": problems,
                    "_synthetic": props.get("synthetic") is True,
                }
            )
        frame = pd.DataFrame(rows)
        con.register("_features", frame)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {EXTRACT} AS SELECT * FROM _features")
        finally:
            con.unregister("_features")
        staged = Staged(("code", "name"), len(frame))
        batch = validate(con, _CODES, path, staged, today or dt.date.today())
        # Geometry problems join the code's own reasons.
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {CHECKED} AS SELECT c.* REPLACE "
            f"(list_concat(c.reasons, e._problems) AS reasons) "
            f"FROM {CHECKED} c JOIN {EXTRACT} e USING (_row)"
        )
        rejected = con.execute(f"SELECT count(*) FROM {CHECKED} WHERE len(reasons) > 0").fetchall()[
            0
        ][0]
        return Batch(path, batch.rows_in, rejected, (), batch.mapping, batch.notes)

    def write(self, con: duckdb.DuckDBPyConnection, batch: Batch, run_id: str) -> int:
        good = con.execute(
            f"SELECT c.code, a.level, e._geometry, e._synthetic FROM {CHECKED} c "
            f"JOIN {EXTRACT} e USING (_row) JOIN ind.area a ON a.code = c.code "
            "WHERE len(c.reasons) = 0 ORDER BY c._row"
        ).df()
        geoms = [shapely.from_wkb(bytes(g)) for g in good["_geometry"]]
        out = pd.DataFrame(
            {
                "code": good["code"],
                "geometry": [orjson.dumps(mapping(g)).decode() for g in geoms],
                # Drawn from every boundary of its level once this file is in.
                "geometry_display": None,
                "area_km2": [round(a, 4) for a in areas_km2(geoms)] if geoms else [],
                "centroid_lon": [g.representative_point().x for g in geoms],
                "centroid_lat": [g.representative_point().y for g in geoms],
                "synthetic": good["_synthetic"].astype(bool),
            }
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS stg.boundary (code VARCHAR PRIMARY KEY, geometry VARCHAR, "
            "geometry_display VARCHAR, area_km2 DOUBLE, centroid_lon DOUBLE, centroid_lat DOUBLE, "
            "synthetic BOOLEAN, _run_id VARCHAR, _file VARCHAR)"
        )
        con.register("_boundary_rows", out)
        try:
            # A boundary file describes the areas it names; other areas keep theirs.
            con.execute(
                "INSERT OR REPLACE INTO stg.boundary SELECT code, geometry, geometry_display, "
                "area_km2, centroid_lon, centroid_lat, synthetic, $run_id, $file "
                "FROM _boundary_rows",
                {"run_id": run_id, "file": batch.file.name},
            )
        finally:
            con.unregister("_boundary_rows")
        _redraw_display(con)
        con.execute(
            f"""
            INSERT INTO meta.rejected_row
            SELECT $run_id, 'boundaries', $file, c._row,
                   to_json({{'code': e.code, 'name': e.name}})::VARCHAR, c.reasons
            FROM {CHECKED} c JOIN {EXTRACT} e USING (_row) WHERE len(c.reasons) > 0
            """,
            {"run_id": run_id, "file": batch.file.name},
        )
        return len(out)


def extents(shapes: dict[str, object], codes: set[str]) -> list[float]:
    """The larger side, in degrees, of each of these areas' boundaries."""
    sides = []
    for code in codes:
        minx, miny, maxx, maxy = shapes[code].bounds
        sides.append(max(maxx - minx, maxy - miny))
    return sides


def _redraw_display(con: duckdb.DuckDBPyConnection) -> None:
    """Display geometry for every level, simplified together so that neighbours still share
    their edges, whichever files their boundaries came from."""
    rows = con.execute(
        "SELECT b.code, a.level, a.parent_code, b.geometry FROM stg.boundary b "
        "JOIN ind.area a USING (code) ORDER BY b.code"
    ).fetchall()
    shapes = {code: shapely.from_geojson(g) for code, _lv, _p, g in rows}
    display = []
    for level in {level for _code, level, _p, _g in rows}:
        members = [(code, shapes[code]) for code, lv, _p, _g in rows if lv == level]
        # Each level is seen on its parent's map (the top level on its own).
        maps = {p if p in shapes else code for code, lv, p, _g in rows if lv == level}
        drawn = display_shapes([g for _c, g in members], display_tolerance(extents(shapes, maps)))
        display += [
            (code, orjson.dumps(mapping(g)).decode())
            for (code, _g), g in zip(members, drawn, strict=True)
        ]
    frame = pd.DataFrame(display, columns=["code", "display"])
    con.register("_display_rows", frame)
    try:
        con.execute(
            "UPDATE stg.boundary SET geometry_display = d.display FROM _display_rows d "
            "WHERE stg.boundary.code = d.code"
        )
    finally:
        con.unregister("_display_rows")


SOURCE = BoundarySource()
