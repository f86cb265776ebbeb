"""``cockpit areas init|import|show``: a district's area tree and boundaries, from its own
files (docs/boundaries.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cockpit.levels import LEVELS
from cockpit.settings import Settings


def _init(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.areas.files import AreaFileError, build_area_tree, romanised
    from pipelines.areas.tree import write_tree

    streets, communities = (Path(p) for p in args.codes)
    try:
        tree = build_area_tree(streets, communities, args.parks, args.details, args.city)
        written = write_tree(settings.areas, tree, args.changes)
    except AreaFileError as exc:
        print(f"areas init: {exc}", file=sys.stderr)
        print("nothing written; the area tree in force is unchanged", file=sys.stderr)
        return 1
    counts = tree["level"].value_counts()
    top = tree[tree["parent_code"].isna()].iloc[0]
    print(
        f"area tree: {top['name_zh']} ({top['code']}), "
        + (f"{counts['district']} districts, " if top["level"] == "city" else "")
        + f"{counts.get('street', 0)} streets, "
        f"{counts.get('community', 0)} communities, {counts.get('park', 0)} parks"
    )
    guessed = (tree["name_en"] == tree.apply(lambda r: romanised(r["name_zh"], r["level"]),
                                             axis=1)).sum()  # fmt: skip
    if guessed and args.details is None:
        print(f"English names: {guessed} romanised from the Chinese (pypinyin); check them and "
              "correct any with --details FILE (code,name_en)")  # fmt: skip
    for path in written:
        print(f"wrote {path}")
    print("next: `cockpit areas import FILE --level street|community|park` for boundaries, in")
    print("      any order; then `cockpit demo` for synthetic extracts of this tree (around")
    print("      the boundaries imported, never over them), then `cockpit refresh`")
    return 0


def _import_buildings(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.areas.building_import import BuildingOptions, BuildingsRefused
    from pipelines.publish.buildings import import_buildings

    options = BuildingOptions(
        args.height_field, args.floors_field, args.floor_height, args.crs, args.encoding,
        args.skip_bad,
    )  # fmt: skip
    try:
        outcome = import_buildings(settings, Path(args.file), options, not args.no_refresh)
    except BuildingsRefused as exc:
        print(exc.report.text(), file=sys.stderr)
        print(f"areas import: {args.file}: refused: {exc}", file=sys.stderr)
        print("nothing imported; the buildings served are unchanged", file=sys.stderr)
        return 1
    print(outcome.report.text())
    print(outcome.message)
    return 0 if outcome.ok else 1


def _import(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.areas.boundary_import import ImportOptions, ImportRefused
    from pipelines.publish.boundaries import import_boundaries

    if args.level == "building":
        return _import_buildings(settings, args)
    if args.height_field or args.floors_field or args.skip_bad:
        print("areas import: --height-field, --floors-field and --skip-bad are for "
              "--level building", file=sys.stderr)  # fmt: skip
        return 2
    options = ImportOptions(
        args.level, args.code_field, args.name_field, args.crs, args.encoding, args.skip_unmatched
    )
    try:
        outcome = import_boundaries(settings, Path(args.file), options, not args.no_refresh)
    except ImportRefused as exc:
        print(exc.report.text(), file=sys.stderr)
        print(f"areas import: {args.file}: refused: {exc}", file=sys.stderr)
        print("nothing imported; the boundaries served are unchanged", file=sys.stderr)
        return 1
    print(outcome.report.text())
    print(outcome.message)
    return 0 if outcome.ok else 1


def _show(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.areas.tree import load_tree, tree_folder

    tree = load_tree(settings)
    print(f"area tree in force: {tree_folder(settings)}")
    counts = tree.areas["level"].value_counts()
    for level in LEVELS:
        print(f"  {level:<10} {counts.get(level, 0)}")
    former = tree.former()
    if not former.empty:
        print(f"  former codes translated: {len(former)} (code_changes.csv)")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    areas = sub.add_parser("areas", help="the area tree and its boundaries, from files")
    areas_sub = areas.add_subparsers(dest="areas_command", required=True)
    init = areas_sub.add_parser(
        "init", help="build the area tree from NBS-style code lists (any district)"
    )
    init.add_argument(
        "--codes", nargs=2, required=True, metavar=("STREETS.csv", "COMMUNITIES.csv"),
        help="street_code,street_name,district_code,district_name and "
        "code,name,street_code,street_name",
    )  # fmt: skip
    init.add_argument(
        "--parks", type=Path, help="code,parent_code,name_zh[,name_en,area_km2] (園区)"
    )
    init.add_argument(
        "--city", metavar="NAME",
        help="the city (杭州市) above the districts, when the streets are of several",
    )  # fmt: skip
    init.add_argument(
        "--details", type=Path, help="code,name_en,area_km2: English names, official areas"
    )
    init.add_argument(
        "--changes", type=Path,
        help="old code → new code: level,old_code,old_name,new_code,new_name[,effective]",
    )  # fmt: skip
    init.set_defaults(run=_init)
    imp = areas_sub.add_parser(
        "import",
        help="import boundaries, or building footprints with --level building (GeoJSON, "
        "TopoJSON, Shapefile, GeoPackage)",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--level", required=True, choices=(*LEVELS, "building"))
    height = imp.add_mutually_exclusive_group()
    height.add_argument("--height-field", help="buildings: the attribute holding height in m")
    height.add_argument("--floors-field", help="buildings: the attribute holding floors")
    imp.add_argument(
        "--floor-height", type=float, default=3.0, help="buildings: metres a floor (default 3)"
    )
    imp.add_argument(
        "--skip-bad", action="store_true",
        help="buildings: import the good ones, and list those that cannot be drawn",
    )  # fmt: skip
    how = imp.add_mutually_exclusive_group()
    how.add_argument("--code-field", help="the attribute holding each area's code")
    how.add_argument("--name-field", help="the attribute holding each area's name")
    imp.add_argument(
        "--crs", help="wgs84, gcj02, bd09 or an EPSG code (default: the file's own, else wgs84)"
    )
    imp.add_argument("--encoding", help="a Shapefile .dbf's encoding when it has no .cpg")
    imp.add_argument(
        "--skip-unmatched", action="store_true",
        help="import the features that match an area, and list the others (a 网格, say)",
    )  # fmt: skip
    imp.add_argument(
        "--no-refresh", action="store_true",
        help="only validate and stage the file; publish with the next `cockpit refresh`",
    )  # fmt: skip
    imp.set_defaults(run=_import)
    areas_sub.add_parser("show", help="the area tree in force").set_defaults(run=_show)
