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
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import orjson
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from cockpit.settings import Settings
from pipelines.areas.boundary_report import ImportReport, check_boundaries
from pipelines.areas.tree import load_area_tree
from pipelines.ingest.geo import CHINESE_SYSTEMS, from_chinese
from pipelines.ingest.sources.boundaries import CODE_PROPERTIES

NAME_PROPERTIES = ("name_zh", "name", "NAME", "名称", "社区名称", "街道名称", "园区名称", "Name")
# What an area's name may carry besides the name itself, by level, longest first. Only the
# level's own words are dropped: 石桥社区 is never 石桥街道.
_SUFFIXES = {
    "city": re.compile(r"市$"),
    "district": re.compile(r"区$"),
    "street": re.compile(r"(街道办事处|街道)$"),
    "community": re.compile(r"(社区居民委员会|社区居委会|居民委员会|居委会|社区)$"),
    "park": re.compile(r"园区$"),
}
_CODE = re.compile(r"\d{12}|\d{9}|\d{9}P\d{2}")


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


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport
    staged: Path
    ok: bool
    message: str


def name_key(name: object, level: str) -> str:
    """A name as matching sees it: full-width folded, no spaces, no word of its level."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = re.sub(r"\s+", "", text)
    return _SUFFIXES[level].sub("", text)


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


def _pick_field(frame: gpd.GeoDataFrame, wanted: str | None, known: tuple[str, ...]) -> str | None:
    if wanted:
        if wanted not in frame.columns:
            fields = ", ".join(c for c in frame.columns if c != "geometry")
            raise ValueError(f"no field {wanted!r} in the file; its fields: {fields}")
        return wanted
    return next((c for c in known if c in frame.columns), None)


def match_areas(
    frame: gpd.GeoDataFrame,
    tree: pd.DataFrame,
    level: str,
    code_field: str | None,
    name_field: str | None,
    report: ImportReport,
) -> pd.Series:
    """Each feature's area code (None where it matches none), by code or by name."""
    areas = tree[tree["level"] == level]
    by_code = set(areas["code"])
    code_field = _pick_field(frame, code_field, CODE_PROPERTIES) if not name_field else None
    if code_field:

        def code_of(value: object) -> str | None:
            text = unicodedata.normalize("NFKC", str(value or "")).strip()
            text = re.sub(r"\.0+$", "", text)
            if not _CODE.fullmatch(text):
                return None
            code = text + "000" if len(text) == 9 else text
            return code if code in by_code else None

        labels = frame[code_field].astype(str)
        codes = frame[code_field].map(code_of)
    else:
        field = _pick_field(frame, name_field, NAME_PROPERTIES)
        if field is None:
            fields = ", ".join(c for c in frame.columns if c != "geometry")
            raise ValueError(
                f"no code or name field found: give --code-field or --name-field (fields: {fields})"
            )
        keys = areas.assign(key=areas["name_zh"].map(lambda n: name_key(n, level)))
        counts = keys["key"].value_counts()
        unique = keys[keys["key"].map(counts) == 1].set_index("key")["code"]
        shared = set(counts[counts > 1].index)
        labels = (
            frame[field]
            .astype(str)
            .map(
                lambda v: (
                    f"{v} (ambiguous: {level} areas share this name; join by --code-field)"
                    if name_key(v, level) in shared
                    else v
                )
            )
        )
        codes = frame[field].map(lambda v: unique.get(name_key(v, level)))
    names = dict(zip(tree["code"], tree["name_zh"], strict=True))
    codes = codes.astype(object).where(codes.notna(), None)
    for label, code in zip(labels, codes, strict=True):
        if code is None:
            report.unmatched.append(label)
        else:
            report.matched.append(f"{label} → {names[code]} ({code})")
    report.missing = sorted(names[c] for c in by_code - set(codes.dropna()))
    return codes


def _polygonal(geometry, label: str, report: ImportReport):
    if geometry is None or geometry.is_empty:
        report.errors.append(f"{label}: no geometry")
        return None
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        geometry = shapely.make_valid(geometry)
        report.repaired.append(f"{label}: {reason}")
    if geometry.geom_type == "GeometryCollection":
        parts = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geometry = shapely.union_all(parts) if parts else None
    if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        report.errors.append(f"{label}: not a polygon")
        return None
    return geometry


def prepare(
    settings: Settings, path: Path, options: ImportOptions
) -> tuple[dict[str, object], ImportReport]:
    """The file's boundaries by area code (WGS84), and the report. Raises ImportRefused."""
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
            report.notes.append(f"{code}: {len(parts)} features joined into one area")
        merged[code] = shapely.union_all(parts)
    check_boundaries(settings, tree, level, merged, report)
    if report.unmatched:
        report.errors.append(f"{len(report.unmatched)} feature(s) match no {level} of the tree")
    if report.errors:
        raise ImportRefused(report.errors[0], report)
    return merged, report


def stage(settings: Settings, path: Path, level: str, shapes: dict[str, object]) -> Path:
    """The checked boundaries as a WGS84 GeoJSON in the boundaries inbox, appearing whole."""
    tree = load_area_tree(settings).set_index("code")
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name_zh": tree.loc[code, "name_zh"], "level": level},
            "geometry": mapping(shapely.set_precision(geom, 1e-9)),
        }
        for code, geom in sorted(shapes.items())
    ]
    folder = settings.inbox / "boundaries"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    target = folder / f"{stamp}-{level}-{path.stem}.geojson"
    tmp = folder / f".{target.name}.part"
    payload = {"type": "FeatureCollection", "source": path.name, "features": features}
    tmp.write_bytes(orjson.dumps(payload))
    os.replace(tmp, target)
    return target
