"""A district of 3,000 communities, for the cockpit's interaction benchmark.

Builds a warehouse of the published shape (``ind`` and ``meta``, the dashboard's contract)
with 8 streets of 375 communities each, square boundaries, 8 indicators over 24 months
and hotline points, then times every cockpit interaction's server work on it, each
against rebuilding the full figure, in the same process.

    .venv/bin/python -m bench.scale [COMMUNITIES]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import duckdb

from bench.timing import interaction_rows

REPO = Path(__file__).resolve().parent.parent
DISTRICT = "330103000000"
STREETS = 8
# (id, name, direction, green, amber): what the synthetic values are judged against.
INDICATORS = [
    ("cases", "案件数", "lower_better", 40.0, 60.0),
    ("closed_on_time", "按期办结率", "higher_better", 90.0, 80.0),
    ("coverage", "签约覆盖率", "higher_better", 35.0, 25.0),
    ("hours", "平均办结时长", "lower_better", 24.0, 48.0),
    ("occupancy", "停车占用率", "lower_better", 85.0, 95.0),
    ("visits", "门诊人次", "neutral", None, None),
    ("volunteers", "注册志愿者", "neutral", None, None),
    ("sorting", "垃圾分类准确率", "higher_better", 90.0, 85.0),
]


def build(root: Path, communities: int = 3000) -> Path:
    """The warehouse file under ``root`` and its pointer; returns the pointer."""
    from pipelines.areas.points import MAP_POINT_DDL, PARK_SECTION_DDL
    from pipelines.layers.alerts import ALERT_DDL
    from pipelines.layers.values import INDICATOR_DDL
    from pipelines.warehouse import SCHEMA_SQL

    versions = root / "warehouse" / "versions"
    versions.mkdir(parents=True)
    path = versions / "cockpit-scale.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA_SQL)
    con.execute(INDICATOR_DDL)
    # As published: the counts behind suppression never leave the refresh.
    con.execute("ALTER TABLE ind.indicator_value DROP COLUMN base")
    con.execute(MAP_POINT_DDL)
    con.execute(PARK_SECTION_DDL)
    con.execute(ALERT_DDL)  # published by every refresh; the pages read it
    per_street = communities // STREETS
    side = int(per_street**0.5) + 1
    width, size = 0.06 / STREETS, 0.06 / STREETS / side
    areas = [
        (DISTRICT, None, "district", "合成区", "Synthetic District", 0, 120.14, 30.25, 0.06, 0.06)
    ]
    for s in range(STREETS):
        street = f"330103{s + 1:03d}000"
        x0 = 120.14 + s * width
        areas.append((street, DISTRICT, "street", f"街道{s + 1}", f"Street {s + 1}", 1, x0, 30.25,
                      width, 0.06))  # fmt: skip
        for c in range(per_street):
            code = f"330103{s + 1:03d}{c + 1:03d}"
            lon, lat = x0 + (c % side) * size, 30.25 + (c // side) * size
            areas.append((code, street, "community", f"社区{s + 1}-{c + 1}",
                          f"Community {s + 1}-{c + 1}", 2, lon, lat, size, size))  # fmt: skip
    con.execute(
        "CREATE TABLE ind.area (code VARCHAR, parent_code VARCHAR, level VARCHAR, "
        "name_zh VARCHAR, name_en VARCHAR, area_km2 DOUBLE, depth INTEGER)"
    )
    con.executemany("INSERT INTO ind.area VALUES (?, ?, ?, ?, ?, 1.0, ?)", [a[:6] for a in areas])
    con.execute(
        "CREATE TABLE ind.area_shape (code VARCHAR, geometry VARCHAR, geometry_display VARCHAR, "
        "centroid_lon DOUBLE, centroid_lat DOUBLE, synthetic BOOLEAN)"
    )
    shapes = []
    for code, _, _, _, _, _, lon, lat, w, h in areas:
        polygon = json.dumps(
            {"type": "Polygon", "coordinates": [[[lon, lat], [lon + w, lat], [lon + w, lat + h],
                                                 [lon, lat + h], [lon, lat]]]}
        )  # fmt: skip
        shapes.append((code, polygon, polygon, lon + w / 2, lat + h / 2, True))
    con.executemany("INSERT INTO ind.area_shape VALUES (?, ?, ?, ?, ?, ?)", shapes)
    for ind_id, name_zh, direction, green, amber in INDICATORS:
        bounds = [
            {"level": lv, "green": green, "amber": amber, "target": green}
            for lv in ("district", "street", "community")
        ]
        # By name: the columns added since (alert rules, assessment) keep their defaults.
        con.execute(
            "INSERT INTO ind.indicator (indicator_id, name_zh, name_en, description_zh, "
            "description_en, domain, department, unit, unit_en, direction, rollup, scale, "
            "decimals, levels, cadence, threshold_green, threshold_amber, target, "
            "suppress_below, sources, layer_file, threshold_basis, bounds) "
            f"VALUES ({', '.join(['?'] * 23)})",
            [ind_id, name_zh, ind_id, name_zh, ind_id, "society", "statistics", "", "",
             direction, "weighted_mean", 1.0, 1, ["district", "street", "community"],
             "monthly", green, amber, green, 0, ["stg.population"], f"society/{ind_id}.yml",
             "absolute" if green is not None else None, bounds],
        )  # fmt: skip
    con.execute(
        """
        INSERT INTO ind.indicator_value
        WITH months AS (
            SELECT strftime(DATE '2018-01-01' + to_months(m), '%Y-%m') AS period, m
            FROM range(24) t(m)
        ),
        raw AS (
            SELECT i.indicator_id, a.code, a.level, a.parent_code, mo.period, mo.m,
                   i.direction, i.threshold_green AS green, i.threshold_amber AS amber,
                   i.threshold_green AS target,
                   50 + 40 * sin(hash(a.code || i.indicator_id) % 1000 + mo.m / 3.0) AS value
            FROM ind.indicator i CROSS JOIN ind.area a CROSS JOIN months mo
        )
        SELECT indicator_id, code, level, parent_code, period, value, value, 1,
               CASE WHEN green IS NULL THEN NULL
                    WHEN direction = 'higher_better' THEN
                        CASE WHEN value >= green THEN 'green' WHEN value >= amber THEN 'amber'
                             ELSE 'red' END
                    ELSE CASE WHEN value <= green THEN 'green' WHEN value <= amber THEN 'amber'
                              ELSE 'red' END END,
               rank() OVER (PARTITION BY indicator_id, parent_code, level, period
                            ORDER BY value DESC),
               count(*) OVER (PARTITION BY indicator_id, parent_code, level, period),
               lag(value) OVER (PARTITION BY indicator_id, code ORDER BY period),
               lag(value, 12) OVER (PARTITION BY indicator_id, code ORDER BY period),
               false, 'scale', target
        FROM raw
        """
    )
    # 20 hotline tickets per community per month, near its centre.
    con.execute(
        """
        INSERT INTO ind.map_point
        SELECT 'hotline', s.code, v.period,
               s.centroid_lon + (random() - 0.5) * 0.0008,
               s.centroid_lat + (random() - 0.5) * 0.0008,
               '城市管理 · ' || v.period, random() * 72, random() < 0.1
        FROM ind.area_shape s JOIN ind.area a USING (code)
        CROSS JOIN (SELECT DISTINCT period FROM ind.indicator_value) v
        CROSS JOIN range(20)
        WHERE a.level = 'community'
        """
    )
    con.execute("INSERT INTO meta.refresh VALUES ('scale', now(), now(), 'ok', [], [], [], NULL)")
    con.execute("CHECKPOINT")
    con.close()
    pointer = root / "warehouse" / "cockpit.duckdb"
    os.symlink(path, pointer)
    return pointer


def main(communities: int = 3000) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pointer = build(root, communities)
        os.environ.update(
            {
                "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
                "COCKPIT_WAREHOUSE": str(pointer),
                "COCKPIT_INBOX": str(root / "inbox"),
                "COCKPIT_ARCHIVE": str(root / "archive"),
                "COCKPIT_APP_DB": f"sqlite:///{root / 'app.db'}",
                "COCKPIT_SECRET_KEY_FILE": str(root / "secret.key"),
            }
        )
        return interaction_rows(
            f"{communities:,} communities", "330103001000", "cases", "closed_on_time"
        )


if __name__ == "__main__":
    for line in main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000):
        print(line, flush=True)
