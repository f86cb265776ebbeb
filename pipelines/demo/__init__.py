"""``cockpit demo``: write synthetic extracts and boundaries for the area tree in force into
the inbox: the demo district's, or any district set up with ``cockpit areas init``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pandas as pd
from shapely.geometry import mapping, shape

from cockpit.settings import Settings
from pipelines.areas.boundary_report import shapes_in_force
from pipelines.areas.building_import import real_buildings_in_force
from pipelines.areas.fitted_shapes import fitted_boundaries
from pipelines.areas.inside import kept_inside
from pipelines.areas.synthetic_buildings import synthetic_buildings
from pipelines.areas.tree import load_area_tree
from pipelines.demo import facilities, reports
from pipelines.demo.extracts import (
    community_panel,
    write_health,
    write_housing,
    write_statistics,
    write_youth,
)
from pipelines.demo.hotline import community_points, renumbered, tickets, write_tickets
from pipelines.ingest.sources import SOURCES
from pipelines.ingest.synthetic import record_demo_files

HOTLINE_TICKETS_PER_MONTH = 3_000
# When each extract "arrived": days after the end of its last month. Two departments are
# late beyond their allowed age, so the timeliness indicator has something to show.
DELIVERED_DAYS_AFTER = {"civil_affairs": 52, "qinqing": 17}
DELIVERED_DAYS_DEFAULT = {2: 1, 3: 1, 10: 4, 40: 6, 45: 6, 400: 30}


def _park_centre(boundaries: dict) -> tuple[float, float] | None:
    park = next((f for f in boundaries["features"] if f["properties"]["level"] == "park"), None)
    if park is None:
        return None
    point = shape(park["geometry"]).representative_point()
    return point.x, point.y


def _with_real(boundaries: dict, real: dict, areas: pd.DataFrame) -> dict:
    """The demo's features and the real shapes together: every shape in force."""
    levels = dict(zip(areas["code"], areas["level"], strict=True))
    features = list(boundaries["features"]) + [
        {"type": "Feature", "properties": {"code": code, "level": levels[code]},
         "geometry": mapping(geom)}
        for code, geom in sorted(real.items()) if code in levels
    ]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def _hotline(panel: pd.DataFrame, points: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Tickets in proportion to each community's people, plus the planted surges: more
    than twice the usual calls in the problem's area from its first month."""
    last = panel[panel["month"] == panel["month"].max()].set_index("code")
    people = last["registered"].reindex(points["code"]).to_numpy(dtype=float)
    batches = [tickets(points, months, HOTLINE_TICKETS_PER_MONTH * len(months), weights=people)]
    problems = panel.attrs["problems"]
    for n, problem in enumerate(p for p in problems if p.indicator == "hotline_per_10k"):
        streets = last["street"].reindex(points["code"]).to_numpy()
        inside = (points["code"] == problem.area_code).to_numpy() | (streets == problem.area_code)
        later = months[months >= pd.Period(problem.since, freq="M")]
        usual = HOTLINE_TICKETS_PER_MONTH * people[inside].sum() / people.sum()
        batches.append(
            tickets(
                points[inside].reset_index(drop=True), later, round(1.3 * usual * len(later)),
                seed=54321 + n, weights=people[inside],
            )
        )  # fmt: skip
    return renumbered(batches)


def write_demo(settings: Settings) -> list[Path]:
    """Write every demo extract; the same files, byte for byte, on every run."""
    areas = load_area_tree(settings)
    streets = dict(zip(areas["code"], areas["name_zh"], strict=True))
    panel = community_panel(areas)
    district = panel.attrs["district_name"]
    targets = {
        "boundaries": "boundaries_synthetic.geojson",
        "buildings": "buildings_synthetic.geojson",
        "statistics": f"{district}社区人口统计月报_201801-201912.xlsx",
        "housing": "老旧小区改造及在建工地台账_201801-201912.csv",
        "health": "社区卫生服务月报_201801-201912.csv",
        "youth": "volunteer_platform_export_201801-201912.json",
        "hotline": "12345热线工单明细_201801-201912.csv",
        "civil_affairs": "社区养老服务月报_201801-201912.xlsx",
        "urban_management": "数字城管案件月报_201801-201912.csv",
        "market_supervision": "阳光厨房及餐饮检查月报_201801-201912.csv",
        "gov_items": "最多跑一次事项目录_201801-201912.csv",
        "gov_cases": "政务服务办件月报_201801-201912.xlsx",
        "parking": "parking_platform_export_201801-201912.json",
        "elevators": "智慧电梯运行月报_201801-201912.csv",
        "tourism": f"{panel.attrs['park_name']}客流日报_20180101-20191231.csv",
        "environment": "生活垃圾分类月报_201801-201912.csv",
        "air_quality": "空气质量自动监测站日报_20180101-20191231.csv",
        "qinqing": "亲清在线兑付明细_201801-201912.xlsx",
    }
    paths = {}
    for source, name in targets.items():
        folder = settings.inbox / source
        folder.mkdir(parents=True, exist_ok=True)
        paths[source] = folder / name
    # Real boundaries (served, or imported and waiting) are never replaced: the demo's are
    # drawn around them, and its facilities placed in the shapes in force.
    real = shapes_in_force(settings).real
    boundaries = fitted_boundaries(areas, real)
    in_force = _with_real(boundaries, real, areas)
    points = community_points(in_force)
    park = _park_centre(in_force)
    if boundaries["features"]:
        paths["boundaries"].write_text(json.dumps(boundaries, ensure_ascii=False), encoding="utf-8")
    else:
        del paths["boundaries"]
    shapes = {f["properties"]["code"]: shape(f["geometry"]) for f in in_force["features"]}
    # A district's own buildings (served, or imported and waiting) are never replaced.
    buildings = None if real_buildings_in_force(settings) else synthetic_buildings(areas, shapes)
    if buildings and buildings["features"]:
        paths["buildings"].write_bytes(orjson.dumps(buildings))
    else:
        del paths["buildings"]
    write_statistics(panel, streets, paths["statistics"])
    write_housing(panel, streets, paths["housing"])
    write_health(panel, paths["health"])
    write_youth(panel, paths["youth"])
    months = pd.period_range(panel["month"].min(), panel["month"].max(), freq="M")
    calls = _hotline(panel, points, months)
    calls["经度"], calls["纬度"] = kept_inside(
        calls["社区代码"], calls["经度"], calls["纬度"], shapes, seed=5
    )
    write_tickets(calls, paths["hotline"])
    reports.write_civil_affairs(panel, paths["civil_affairs"])
    reports.write_urban_management(panel, paths["urban_management"])
    reports.write_market_supervision(panel, paths["market_supervision"])
    reports.write_gov_items(panel, paths["gov_items"])
    reports.write_gov_cases(panel, paths["gov_cases"])
    facilities.write_parking(panel, points, paths["parking"], park, shapes)
    facilities.write_elevators(panel, points, paths["elevators"], park, shapes)
    if park is None:
        # A tree without a park has no footfall to report.
        del paths["tourism"]
    else:
        facilities.write_tourism(panel, paths["tourism"])
    reports.write_environment(panel, paths["environment"])
    facilities.write_air_quality(panel, paths["air_quality"])
    facilities.write_qinqing(panel, paths["qinqing"])
    _stamp_arrival(paths, months[-1].end_time.normalize())
    record_demo_files(settings.inbox, list(paths.values()))
    return list(paths.values())


def _stamp_arrival(paths: dict[str, Path], period_end: pd.Timestamp) -> None:
    """File times as if each department had sent its extract some days after the period."""
    for source, path in paths.items():
        allowed = SOURCES[source].max_age_days
        days = DELIVERED_DAYS_AFTER.get(source, DELIVERED_DAYS_DEFAULT.get(allowed, 1))
        arrived = (period_end + pd.Timedelta(days=days, hours=9)).tz_localize("UTC")
        os.utime(path, (arrived.timestamp(), arrived.timestamp()))
