"""``cockpit areas import``: a district's own boundary file, checked whole before anything
is served.

Read (GeoJSON, TopoJSON, Shapefile with a GBK or UTF-8 ``.dbf``, GeoPackage) → move to
WGS84 (an EPSG code, or GCJ-02/BD-09) → join each feature to the area tree by code or by
name → repair and check → either refuse with the report, or stage the file as a WGS84
GeoJSON in ``inbox/boundaries/`` and publish it through the ordinary refresh.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import orjson
import pyogrio
import shapely
from shapely.geometry import mapping

from cockpit.settings import Settings
from pipelines.areas.boundary_report import (
    ImportReport,
    InForce,
    check_boundaries,
    shapes_in_force,
)
from pipelines.areas.crs_check import wrong_crs
from pipelines.areas.matching import match_areas
from pipelines.areas.tree import load_area_tree
from pipelines.ingest.geo import CHINESE_SYSTEMS, from_chinese, polygonal_part


class ImportRefused(ValueError):
    """The file cannot be imported as it is; ``report`` says everything that was found."""

    def __init__(self, reason: str, report: ImportReport) -> None:
        super().__init__(reason)
        self.report = report


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file: the level it holds, the field joining it to the tree (a code
    field, else a name field, else one found by its usual name), its coordinates and, for
    a Shapefile without a ``.cpg``, its ``.dbf`` encoding."""

    level: str
    code_field: str | None = None
    name_field: str | None = None
    crs: str | None = None
    encoding: str | None = None
    # Import the features that match an area; list the rest (a 网格 between communities).
    skip_unmatched: bool = False


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport
    staged: Path
    ok: bool
    message: str


def _dbf_encoding(path: Path) -> str:
    """A Shapefile's ``.dbf`` encoding: its ``.cpg`` if there is one, else UTF-8 if the
    records decode as UTF-8, else GB18030 (a superset of GBK, the usual Chinese default)."""
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        declared = cpg.read_text(encoding="ascii", errors="replace").strip()
        return {"936": "gbk", "65001": "utf-8"}.get(declared, declared)
    dbf = path.with_suffix(".dbf")
    if not dbf.exists():
        return "utf-8"
    raw = dbf.read_bytes()
    header = int.from_bytes(raw[8:10], "little")
    try:
        raw[header:].decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def read_features(path: Path, encoding: str | None = None) -> gpd.GeoDataFrame:
    """Every feature of the file's first layer, with its attributes."""
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    options = {}
    if path.suffix.lower() == ".shp":
        options["encoding"] = encoding or _dbf_encoding(path)
    try:
        return gpd.read_file(path, engine="pyogrio", **options)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ValueError(f"{path}: not a boundary file GDAL can read ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: attributes are not {options.get('encoding')} text") from exc


def to_wgs84(frame: gpd.GeoDataFrame, crs: str | None) -> gpd.GeoSeries:
    """The geometry in WGS84 longitude/latitude. ``crs``: wgs84, gcj02, bd09 or an EPSG
    code; None trusts the file's own CRS, else assumes WGS84."""
    system = (crs or "").strip().lower().replace("-", "")
    if system in CHINESE_SYSTEMS:
        # Files from online maps say WGS84 in their metadata whatever their coordinates.
        return gpd.GeoSeries([from_chinese(g, system) for g in frame.geometry], crs="EPSG:4326")
    if system in ("wgs84", "epsg:4326", "4326"):
        return frame.geometry.set_crs("EPSG:4326", allow_override=True)
    if system:
        target = system.upper() if system.startswith("epsg:") else f"EPSG:{system}"
        try:
            return frame.geometry.set_crs(target, allow_override=True).to_crs("EPSG:4326")
        except Exception as exc:  # pyproj's CRSError and friends
            raise ValueError(f"unknown --crs {crs!r} ({exc})") from exc
    if frame.crs is None:
        return frame.geometry.set_crs("EPSG:4326")
    return frame.geometry.to_crs("EPSG:4326")


def _polygonal(geometry, label: str, report: ImportReport):
    if geometry is None or geometry.is_empty:
        report.errors.append(f"{label}: no geometry")
        return None
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        geometry = shapely.make_valid(geometry)
        report.repaired.append(f"{label}: {reason}")
    geometry = polygonal_part(geometry)
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        report.errors.append(f"{label}: not a polygon")
        return None
    return geometry


def prepare(
    settings: Settings, path: Path, options: ImportOptions, in_force: InForce | None = None
) -> tuple[dict[str, object], ImportReport]:
    """The file's boundaries by area code (WGS84), and the report, checked against the
    boundaries ``in_force`` (read here unless given). Raises ImportRefused."""
    level = options.level
    report = ImportReport(path, level)
    try:
        frame = read_features(path, options.encoding)
        if frame.empty:
            raise ValueError(f"{path}: no features")
        geometry = to_wgs84(frame, options.crs)
        minx, miny, maxx, maxy = geometry.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError(
                "coordinates are not longitude/latitude: give the file's --crs (an EPSG code)"
            )
        tree = load_area_tree(settings)
        codes = match_areas(frame, tree, level, options.code_field, options.name_field, report)
    except ValueError as exc:
        report.errors.append(str(exc))
        raise ImportRefused(str(exc), report) from exc
    shapes: dict[str, list] = {}
    names = dict(zip(tree["code"], tree["name_zh"], strict=True))
    for number, code, geom in zip(range(1, len(frame) + 1), codes, geometry, strict=True):
        if code is None:
            continue
        fixed = _polygonal(geom, f"feature {number}, {names[code]} ({code})", report)
        if fixed is not None:
            shapes.setdefault(code, []).append(fixed)
    merged = {}
    for code, parts in shapes.items():
        if len(parts) > 1:
            report.notes.append(
                f"{names[code]} ({code}): {len(parts)} features joined into one area"
            )
        merged[code] = shapely.union_all(parts)
    in_force = in_force or shapes_in_force(settings)
    check_boundaries(tree, level, merged, report, in_force)
    system = (options.crs or "").strip().lower().replace("-", "")
    misplaced = wrong_crs(
        settings, tree, level, merged, system if system in CHINESE_SYSTEMS else "wgs84",
        in_force.real,
    )  # fmt: skip
    if misplaced:
        report.errors.insert(0, misplaced)
    if report.unmatched and not options.skip_unmatched:
        report.errors.append(
            f"{len(report.unmatched)} feature(s) match no {level} of the tree: fix their "
            "names or codes, or give --skip-unmatched to import the rest without them"
        )
    if report.errors:
        raise ImportRefused(report.errors[0], report)
    return merged, report


def outlines_from_children(
    settings: Settings,
    level: str,
    shapes: dict[str, object],
    report: ImportReport,
    in_force: InForce,
) -> dict[str, object]:
    """Parents that have no real boundary and whose every child of ``level`` is in
    ``shapes``: their outline is their children's union (and so on up the tree while a
    parent's children all have one). Listed in the report's notes."""
    tree = load_area_tree(settings)
    names = dict(zip(tree["code"], tree["name_zh"], strict=True))
    real = set(in_force.real)
    nested = tree[tree["level"] != "park"]
    children = {p: rows["code"].tolist() for p, rows in nested.groupby("parent_code")}
    parents = {c: p for c, p in zip(tree["code"], tree["parent_code"], strict=True)}
    known = dict(shapes)
    derived: dict[str, object] = {}
    frontier = {parents.get(code) for code in shapes} - {None}
    while frontier:
        parent = frontier.pop()
        if parent in real or parent in known:
            continue
        kids = children.get(parent, [])
        if not kids or not all(k in known or k in real for k in kids):
            continue
        if not all(k in known for k in kids):
            continue  # some children's real shapes are served, not in hand: left as is
        known[parent] = derived[parent] = shapely.union_all([known[k] for k in kids])
        report.notes.append(
            f"{names[parent]} ({parent}) had no real boundary: its outline is now the union "
            f"of its {len(kids)} areas in this file"
        )
        if parents.get(parent):
            frontier.add(parents[parent])
    return derived


def stage(
    settings: Settings,
    path: Path,
    level: str,
    shapes: dict[str, object],
    derived: dict[str, object] | None = None,
) -> Path:
    """The checked boundaries, and the parents ``derived`` from them, as a WGS84 GeoJSON in
    the boundaries inbox, appearing whole."""
    tree = load_area_tree(settings).set_index("code")
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "name_zh": tree.loc[code, "name_zh"],
                "level": tree.loc[code, "level"],
                **({"derived": "children"} if code in (derived or {}) else {}),
            },
            "geometry": mapping(shapely.set_precision(geom, 1e-9)),
        }
        for code, geom in sorted({**shapes, **(derived or {})}.items())
    ]
    payload = {"type": "FeatureCollection", "source": path.name, "features": features}
    return write_staged(settings, f"{level}-{path.stem}", payload)


def write_staged(
    settings: Settings, name: str, collection: dict, source: str = "boundaries"
) -> Path:
    """A FeatureCollection into a source's inbox (the boundaries', or the buildings') as
    ``<time>-<name>.geojson``, appearing whole (written aside, then renamed)."""
    folder = settings.inbox / source
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S%f")
    target = folder / f"{stamp}-{name}.geojson"
    tmp = folder / f".{target.name}.part"
    tmp.write_bytes(orjson.dumps(collection))
    os.replace(tmp, target)
    return target
