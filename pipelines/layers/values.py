"""What a materialised layer publishes: ``ind.indicator`` (the spec, for the dictionary and
the cockpits) and ``ind.indicator_value`` (every area, level and period, with status, rank,
target and changes), and the check that parents add up to their children."""

from __future__ import annotations

import duckdb

from cockpit.levels import ROLLED_UP
from pipelines.layers.spec import LEVEL_ORDER, Layer

INDICATOR_DDL = """
CREATE OR REPLACE TABLE ind.indicator (
    indicator_id VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR,
    description_zh VARCHAR, description_en VARCHAR, domain VARCHAR, department VARCHAR,
    unit VARCHAR, unit_en VARCHAR, direction VARCHAR, rollup VARCHAR, scale DOUBLE,
    decimals INTEGER, levels VARCHAR[], cadence VARCHAR, threshold_green DOUBLE,
    threshold_amber DOUBLE, target DOUBLE, suppress_below INTEGER, sources VARCHAR[],
    layer_file VARCHAR, threshold_basis VARCHAR,
    bounds STRUCT(level VARCHAR, green DOUBLE, amber DOUBLE, target DOUBLE)[],
    min_base INTEGER, alert_persist INTEGER, alert_worse_than_last_year DOUBLE,
    alert_sibling_mads DOUBLE, sla_red_days INTEGER, sla_amber_days INTEGER,
    verify_months INTEGER, assessed BOOLEAN, forecast_within INTEGER,
    forecast_probability DOUBLE
);
-- Kept across refreshes: an incremental refresh rewrites only the layers it computes.
CREATE TABLE IF NOT EXISTS ind.indicator_value (
    indicator_id VARCHAR, area_code VARCHAR, level VARCHAR, parent_code VARCHAR,
    period VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, status VARCHAR,
    rank INTEGER, rank_of INTEGER, prev_value DOUBLE, yoy_value DOUBLE,
    suppressed BOOLEAN, run_id VARCHAR, target DOUBLE,
    -- Why a hidden value is hidden: 'small' (a count of 1..k-1, shown "<k") or
    -- 'complementary' (hidden so that no small count can be worked out, shown "已隐藏").
    suppressed_kind VARCHAR,
    -- The count behind a value, for suppression during the build; dropped before publishing.
    base DOUBLE,
    PRIMARY KEY (indicator_id, area_code, period)
);
ALTER TABLE ind.indicator_value ADD COLUMN IF NOT EXISTS base DOUBLE;
ALTER TABLE ind.indicator_value ADD COLUMN IF NOT EXISTS suppressed_kind VARCHAR;
"""


class ConsistencyError(Exception):
    """A parent's value differs from the sum of its children: the refresh must not publish."""


def level_bounds(layer: Layer, tree_levels: set[str]) -> list[dict]:
    """Per level the indicator is published at in this tree: the green and amber
    boundaries in the indicator's unit, and the target."""
    spec, rows = layer.spec, []
    for level in spec.levels_in(tree_levels):
        target = spec.target_for(level)
        green = amber = None
        if spec.thresholds is not None:
            bounds = spec.thresholds.for_level(level)
            factor = target if spec.thresholds.basis == "target" else 1.0
            if factor is not None:
                green, amber = bounds.green * factor, bounds.amber * factor
        rows.append({"level": level, "green": green, "amber": amber, "target": target})
    return rows


def write_values(
    con: duckdb.DuckDBPyConnection, layer: Layer, run_id: str, tree_levels: set[str]
) -> None:
    """From ``_vals`` (every area's aggregate) to the rows of one indicator: the true
    values, with status and the primary small-count flag. Ranks and changes are written
    by ``suppression.suppress_small_counts`` once every cell to hide is known."""
    spec = layer.spec
    con.execute(
        """
        INSERT INTO ind.indicator_value BY NAME
        WITH bounds AS (SELECT unnest($bounds, recursive := true)),
        v AS (
            SELECT v.area_code, a.level, a.parent_code, v.period,
                   CASE WHEN $rollup IN ('ratio', 'weighted_mean')
                        THEN CASE WHEN v.denominator <> 0
                                  THEN v.numerator / v.denominator * $scale END
                        ELSE v.value END AS value,
                   v.numerator, v.denominator, v.base, b.green, b.amber, b.target
            FROM _vals v JOIN ind.area a ON a.code = v.area_code
            JOIN bounds b ON b.level = a.level
        )
        SELECT $id AS indicator_id, area_code, level, parent_code, period, value, numerator,
               denominator, base,
               CASE WHEN value IS NULL OR green IS NULL THEN NULL
                    -- A rate on a handful of cases says nothing yet: not red, "few".
                    WHEN coalesce(base, 0) < $min_base THEN 'few'
                    WHEN $direction = 'higher_better' THEN
                        CASE WHEN value >= green THEN 'green'
                             WHEN value >= amber THEN 'amber' ELSE 'red' END
                    ELSE CASE WHEN value <= green THEN 'green'
                              WHEN value <= amber THEN 'amber' ELSE 'red' END
               END AS status,
               coalesce(base > 0 AND base < $suppress, false) AS suppressed,
               $run_id AS run_id, target
        FROM v
        """,
        {
            "id": spec.id,
            "rollup": spec.rollup,
            "scale": spec.scale,
            "bounds": level_bounds(layer, tree_levels),
            "suppress": spec.suppress_below,
            "min_base": spec.min_base,
            "direction": spec.direction,
            "run_id": run_id,
        },
    )


def insert_indicator(con: duckdb.DuckDBPyConnection, layer: Layer, tree_levels: set[str]) -> None:
    s = layer.spec
    bounds = level_bounds(layer, tree_levels)
    # The headline boundaries are those of the highest level the indicator is shown at.
    top = max(bounds, key=lambda b: LEVEL_ORDER.index(b["level"]))
    con.execute(
        f"INSERT INTO ind.indicator VALUES ({', '.join(['?'] * 33)})",
        [
            s.id, s.name_zh, s.name_en, s.description_zh, s.description_en, s.domain,
            s.department, s.unit_zh, s.unit_en, s.direction, s.rollup, s.scale, s.decimals,
            [b["level"] for b in bounds], s.cadence, top["green"], top["amber"], top["target"],
            s.suppress_below, list(s.sources),
            f"{layer.yml_path.parent.name}/{layer.yml_path.name}",
            s.thresholds.basis if s.thresholds else None, bounds, s.min_base,
            s.alerts.persist, s.alerts.worse_than_last_year, s.alerts.sibling_mads,
            s.alerts.sla_days["red"], s.alerts.sla_days["amber"], s.alerts.verify_months,
            s.assessed,
            breach.within if (breach := s.alerts.forecast_breach) else None,
            breach.probability if breach else None,
        ],
    )  # fmt: skip


def check_rollup_consistency(con: duckdb.DuckDBPyConnection, layer_ids: list[str]) -> list[str]:
    """Parent = Σ children for every additive indicator (and for both parts of a ratio)."""
    if not layer_ids:
        return []
    rows = con.execute(
        """
        WITH parts AS (
            SELECT v.indicator_id, v.period, v.parent_code, i.rollup,
                   sum(v.value) AS value, sum(v.numerator) AS numerator,
                   sum(v.denominator) AS denominator
            FROM ind.indicator_value v JOIN ind.indicator i USING (indicator_id)
            WHERE list_contains($rolled, v.level) AND list_contains($ids, v.indicator_id)
              AND i.rollup IN ('sum', 'ratio', 'weighted_mean')
            GROUP BY ALL
        )
        SELECT p.indicator_id, p.parent_code, p.period, 'value' AS part, p.value, v.value
        FROM parts p JOIN ind.indicator_value v
          ON v.indicator_id = p.indicator_id AND v.area_code = p.parent_code AND v.period = p.period
        WHERE p.rollup = 'sum' AND abs(p.value - v.value) > 1e-6 * greatest(1, abs(v.value))
        UNION ALL
        SELECT p.indicator_id, p.parent_code, p.period, 'numerator', p.numerator, v.numerator
        FROM parts p JOIN ind.indicator_value v
          ON v.indicator_id = p.indicator_id AND v.area_code = p.parent_code AND v.period = p.period
        WHERE p.rollup <> 'sum'
          AND abs(p.numerator - v.numerator) > 1e-6 * greatest(1, abs(v.numerator))
        UNION ALL
        SELECT p.indicator_id, p.parent_code, p.period, 'denominator', p.denominator,
               v.denominator
        FROM parts p JOIN ind.indicator_value v
          ON v.indicator_id = p.indicator_id AND v.area_code = p.parent_code AND v.period = p.period
        WHERE p.rollup <> 'sum'
          AND abs(p.denominator - v.denominator) > 1e-6 * greatest(1, abs(v.denominator))
        LIMIT 20
        """,
        {"ids": layer_ids, "rolled": list(ROLLED_UP)},
    ).fetchall()
    return [
        f"{ind} {area} {period}: {part} {parent} ≠ Σ children {children}"
        for ind, area, period, part, children, parent in rows
    ]
