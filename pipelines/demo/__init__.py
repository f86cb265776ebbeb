"""``cockpit demo``: write the demo district's extracts and boundaries into the inbox."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cockpit.settings import Settings
from pipelines.areas import load_area_tree
from pipelines.demo.extracts import (
    community_panel,
    write_health,
    write_housing,
    write_statistics,
    write_youth,
)
from pipelines.demo.geometry import synthetic_boundaries
from pipelines.demo.hotline import community_points, tickets, write_tickets

HOTLINE_TICKETS_PER_MONTH = 3_000


def write_demo(settings: Settings) -> list[Path]:
    """Write every demo extract; the same files, byte for byte, on every run."""
    areas = load_area_tree(settings.reference)
    streets = dict(zip(areas["code"], areas["name_zh"], strict=True))
    panel = community_panel(areas)
    targets = {
        "boundaries": "xiacheng_boundaries_synthetic.geojson",
        "statistics": "下城区社区人口统计月报_201801-201912.xlsx",
        "housing": "老旧小区改造及在建工地台账_201801-201912.csv",
        "health": "社区卫生服务月报_201801-201912.csv",
        "youth": "volunteer_platform_export_201801-201912.json",
        "hotline": "12345热线工单明细_201801-201912.csv",
    }
    paths = {}
    for source, name in targets.items():
        folder = settings.inbox / source
        folder.mkdir(parents=True, exist_ok=True)
        paths[source] = folder / name
    boundaries = synthetic_boundaries(areas)
    paths["boundaries"].write_text(json.dumps(boundaries, ensure_ascii=False), encoding="utf-8")
    write_statistics(panel, streets, paths["statistics"])
    write_housing(panel, streets, paths["housing"])
    write_health(panel, paths["health"])
    write_youth(panel, paths["youth"])
    months = pd.period_range(panel["month"].min(), panel["month"].max(), freq="M")
    frame = tickets(community_points(boundaries), months, HOTLINE_TICKETS_PER_MONTH * len(months))
    write_tickets(frame, paths["hotline"])
    return list(paths.values())
