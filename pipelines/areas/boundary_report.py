"""What an import of boundaries found: repairs, matches, children outside their parent,
gaps and overlaps between siblings, and sizes against the official figures.

Distances and areas are measured in metres, in an equal-area projection centred on the
district. Problems that make a file unusable are ``errors`` (the import is refused);
the rest are listed for the operator and do not stop it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from cockpit.settings import Settings
from pipelines import warehouse
from pipelines.ingest.geo import local_crs, reproject

# How far a child may stray beyond its parent's edge (two boundary files never trace the
# same line exactly), and the least overlap or gap worth naming.
OUTSIDE_TOLERANCE_M = 20.0
SLIVER_M2 = 500.0
SIZE_TOLERANCE = 0.10


@dataclass
class ImportReport:
    file: Path
    level: str
    errors: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    sizes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        sections = [
            ("problems (the import is refused)", self.errors),
            ("features matching no area", self.unmatched),
            ("invalid polygons, repaired", self.repaired),
            (f"outside their parent by more than {OUTSIDE_TOLERANCE_M:.0f} m", self.outside),
            ("overlaps between neighbours", self.overlaps),
            ("gaps between neighbours", self.gaps),
            (f"size off the official figure by more than {SIZE_TOLERANCE:.0%}", self.sizes),
            ("areas of the tree without a boundary in this file", self.missing),
            ("notes", self.notes),
            ("matched", self.matched),
        ]
        lines = [f"boundary import report: {self.file} (--level {self.level})"]
        for title, items in sections:
            lines.append(f"  {title}: {len(items)}")
            lines += [f"    - {item}" for item in items]
        return "\n".join(lines)


@dataclass(frozen=True)
class InForce:
    """The boundaries an import or the demo works against, read once: every boundary
    served, the real ones (served, or imported with ``--no-refresh`` and waiting in the
    inbox), and the areas whose boundary in force is synthetic (served, or the demo's
    waiting in the inbox)."""

    served: dict[str, BaseGeometry]
    real: dict[str, BaseGeometry]
    synthetic: set[str]


def shapes_in_force(settings: Settings) -> InForce:
    served: dict[str, BaseGeometry] = {}
    synthetic: set[str] = set()
    current = warehouse.current_version(settings)
    if current is not None:
        con = duckdb.connect(str(current), read_only=True)
        try:
            rows = con.execute(
                "SELECT code, geometry, coalesce(synthetic, true) FROM ind.area_shape"
            ).fetchall()
        finally:
            con.close()
        for code, text, fake in rows:
            served[code] = shapely.from_geojson(text)
            if fake:
                synthetic.add(code)
    real = {code: geom for code, geom in served.items() if code not in synthetic}
    for feature in _staged_features(settings.inbox):
        props = feature.get("properties") or {}
        if not props.get("code"):
            continue
        if props.get("synthetic") is True:
            synthetic.add(str(props["code"]))
        else:
            real[str(props["code"])] = shape(feature["geometry"])
    return InForce(served, real, synthetic)


def _staged_features(inbox: Path) -> list[dict]:
    """Every feature of the boundary files waiting in the inbox, oldest file first."""
    out: list[dict] = []
    for path in sorted((inbox / "boundaries").glob("*.geojson"), key=lambda p: p.stat().st_mtime):
        try:
            out += orjson.loads(path.read_bytes()).get("features") or []
        except (orjson.JSONDecodeError, AttributeError):
            continue  # the refresh refuses it, with its reason
    return out


def check_boundaries(
    tree: pd.DataFrame,
    level: str,
    shapes: dict[str, object],
    report: ImportReport,
    in_force: InForce,
) -> None:
    """Fill the report's geometric sections for the new ``shapes`` of ``level``."""
    if not shapes:
        report.errors.append(f"no feature matched a {level} of the tree")
        return
    names = dict(zip(tree["code"], tree["name_zh"], strict=True))
    parents = dict(zip(tree["code"], tree["parent_code"], strict=True))
    officials = dict(zip(tree["code"], tree["area_km2"], strict=True))
    # The level's areas under each parent, from the tree (whether this file has them or not).
    family: dict[str, list[str]] = {}
    for code, parent, lv in zip(tree["code"], tree["parent_code"], tree["level"], strict=True):
        if lv == level:
            family.setdefault(parent, []).append(code)
    real = in_force.real
    everything = {**in_force.served, **shapes}
    crs = local_crs(shapes.values())

    def metres(geoms: list) -> np.ndarray:
        return reproject(np.array(geoms, dtype=object), "EPSG:4326", crs)

    codes = sorted(shapes)
    local = dict(zip(codes, metres([shapes[c] for c in codes]), strict=True))
    for code in codes:
        official = officials[code]
        measured = local[code].area / 1e6
        if pd.notna(official) and abs(measured - official) > SIZE_TOLERANCE * official:
            report.sizes.append(
                f"{names[code]} ({code}): {measured:.2f} km², officially {official:.2f} km²"
            )
    by_parent: dict[str, list[str]] = {}
    for code in codes:
        by_parent.setdefault(parents[code], []).append(code)
    for parent, children in sorted(by_parent.items(), key=lambda kv: str(kv[0])):
        if parent is None or parent not in everything:
            continue
        outline = metres([everything[parent]])[0]
        grown = outline.buffer(OUTSIDE_TOLERANCE_M)
        for code in children:
            beyond = local[code].difference(grown).area
            if beyond > SLIVER_M2:
                share = beyond / local[code].area
                found = (
                    f"{names[code]} ({code}): {beyond / 1e6:.3f} km² ({share:.0%}) outside "
                    f"{names[parent]} ({parent})"
                )
                if parent in real:
                    report.outside.append(found)
                else:
                    # A synthetic parent says nothing of where the real area lies.
                    report.notes.append(f"{found}, whose boundary is still synthetic")
        siblings = [c for c in family.get(parent, []) if c in everything]
        if parent in real and len(siblings) == len(family.get(parent, [])):
            union = shapely.union_all(metres([everything[c] for c in siblings]))
            gap = outline.buffer(-OUTSIDE_TOLERANCE_M).difference(union).area
            if gap > SLIVER_M2 and level != "park":
                report.gaps.append(
                    f"{names[parent]} ({parent}): {gap / 1e6:.3f} km² covered by none of its "
                    f"{level} areas"
                )
    if level != "park":
        _overlaps(codes, local, names, report)
    if report.outside:
        report.errors.append(
            f"{len(report.outside)} area(s) outside their parent by more than "
            f"{OUTSIDE_TOLERANCE_M:.0f} m (listed below): is the file's --crs right?"
        )


def _overlaps(codes: list[str], local: dict, names: dict, report: ImportReport) -> None:
    geoms = [local[c] for c in codes]
    tree = STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        shared = geoms[i].intersection(geoms[j]).area
        if shared > SLIVER_M2:
            report.overlaps.append(
                f"{names[codes[i]]} ({codes[i]}) and {names[codes[j]]} ({codes[j]}): "
                f"{shared / 1e6:.3f} km²"
            )
