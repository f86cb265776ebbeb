"""Materialise layers: run each layer's SQL for the finest level, roll it up the area
tree, and write status, rank and period-on-period changes to ``ind.indicator_value``.

The layer SQL gives community and park rows only; everything above is the engine's job,
so a ratio is always Σnumerator / Σdenominator at every level, never an average.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.layers.spec import RATIO_LIKE, Layer, LayerError

INDICATOR_DDL = """
CREATE OR REPLACE TABLE ind.indicator (
    indicator_id VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR,
    description_zh VARCHAR, description_en VARCHAR, domain VARCHAR, department VARCHAR,
    unit VARCHAR, unit_en VARCHAR, direction VARCHAR, rollup VARCHAR, scale DOUBLE,
    decimals INTEGER, levels VARCHAR[], cadence VARCHAR, threshold_green DOUBLE,
    threshold_amber DOUBLE, target DOUBLE, suppress_below INTEGER, sources VARCHAR[],
    layer_file VARCHAR
);
CREATE OR REPLACE TABLE ind.indicator_value (
    indicator_id VARCHAR, area_code VARCHAR, level VARCHAR, parent_code VARCHAR,
    period VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, status VARCHAR,
    rank INTEGER, rank_of INTEGER, prev_value DOUBLE, yoy_value DOUBLE,
    suppressed BOOLEAN, run_id VARCHAR,
    PRIMARY KEY (indicator_id, area_code, period)
);
"""

# Children aggregate into their parents, level by level, from these child levels up. Parks
# stand beside their street's communities and are never summed into it.
_ROLLUP_FROM = ("community", "street")


class LayerRunError(Exception):
    pass


class ConsistencyError(Exception):
    """A parent's value differs from the sum of its children: the refresh must not publish."""


def run_layer_sql(con: duckdb.DuckDBPyConnection, layer: Layer) -> None:
    """Run the analyst's SQL into the temp table ``_leaf`` with the engine's columns."""
    sql = layer.sql.strip().rstrip(";")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _layer_out AS {sql}")
    except duckdb.Error as exc:
        raise LayerRunError(f"SQL error: {str(exc).splitlines()[0]}") from exc
    columns = {row[0] for row in con.execute("DESCRIBE _layer_out").fetchall()}
    rollup = layer.spec.rollup
    needed = {"area_code", "period"}
    if rollup == "ratio":
        needed |= {"numerator", "denominator"}
    elif rollup == "weighted_mean":
        needed |= {"value", "weight"}
    else:
        needed |= {"value"}
    missing = needed - columns
    if missing:
        raise LayerRunError(
            f"the SQL must return {', '.join(sorted(needed))}; missing {', '.join(sorted(missing))}"
        )
    if rollup == "ratio":
        select = "NULL::DOUBLE AS value, numerator::DOUBLE AS numerator, denominator::DOUBLE"
    elif rollup == "weighted_mean":
        select = "NULL::DOUBLE AS value, (value * weight)::DOUBLE AS numerator, weight::DOUBLE"
    else:
        select = "value::DOUBLE AS value, NULL::DOUBLE AS numerator, NULL::DOUBLE"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _leaf AS SELECT area_code::VARCHAR AS area_code, "
        f"period::VARCHAR AS period, {select} AS denominator FROM _layer_out"
    )


def _leaf_problems(con: duckdb.DuckDBPyConnection) -> str | None:
    unknown = con.execute(
        "SELECT DISTINCT l.area_code FROM _leaf l LEFT JOIN ind.area a ON a.code = l.area_code "
        "WHERE a.code IS NULL OR a.level NOT IN ('community', 'park') LIMIT 5"
    ).fetchall()
    if unknown:
        return f"rows for areas that are not communities or parks: {[u[0] for u in unknown]}"
    dupes = con.execute(
        "SELECT area_code, period FROM _leaf GROUP BY ALL HAVING count(*) > 1 LIMIT 3"
    ).fetchall()
    if dupes:
        return f"more than one row per area and period, e.g. {dupes}"
    return None


def _aggregate(rollup: str) -> str:
    # Sums in a fixed order: a parallel sum of doubles adds them in whatever order the
    # threads finish, and the same data would give a different last digit each refresh.
    if rollup in RATIO_LIKE:
        return (
            "NULL::DOUBLE, sum(numerator ORDER BY v.area_code), "
            "sum(denominator ORDER BY v.area_code)"
        )
    if rollup == "sum":
        return "sum(value ORDER BY v.area_code), NULL::DOUBLE, NULL::DOUBLE"
    fn = {"max": "max", "min": "min"}[rollup]
    return f"{fn}(value), NULL::DOUBLE, NULL::DOUBLE"


def materialise_layer(con: duckdb.DuckDBPyConnection, layer: Layer, run_id: str) -> int:
    spec = layer.spec
    run_layer_sql(con, layer)
    problem = _leaf_problems(con)
    if problem:
        raise LayerRunError(problem)
    con.execute("CREATE OR REPLACE TEMP TABLE _vals AS SELECT * FROM _leaf")
    for child in _ROLLUP_FROM:
        con.execute(
            f"INSERT INTO _vals SELECT a.parent_code, v.period, {_aggregate(spec.rollup)} "
            "FROM _vals v JOIN ind.area a ON a.code = v.area_code WHERE a.level = ? "
            "GROUP BY a.parent_code, v.period",
            [child],
        )
    t = spec.thresholds
    order = "ASC" if spec.direction == "lower_better" else "DESC"
    con.execute(
        f"""
        INSERT INTO ind.indicator_value
        WITH v AS (
            SELECT v.area_code, a.level, a.parent_code, v.period,
                   CASE WHEN $rollup IN ('ratio', 'weighted_mean')
                        THEN CASE WHEN v.denominator <> 0
                                  THEN v.numerator / v.denominator * $scale END
                        ELSE v.value END AS value,
                   v.numerator, v.denominator
            FROM _vals v JOIN ind.area a ON a.code = v.area_code
            WHERE list_contains($levels, a.level)
        ),
        shown AS (
            SELECT *, coalesce(CASE WHEN $rollup IN ('ratio', 'weighted_mean')
                                    THEN denominator ELSE value END < $suppress, false)
                      AS suppressed
            FROM v
        )
        SELECT $id, s.area_code, s.level, s.parent_code, s.period,
               CASE WHEN s.suppressed THEN NULL ELSE s.value END,
               s.numerator, s.denominator,
               CASE WHEN s.suppressed OR s.value IS NULL OR $green IS NULL THEN NULL
                    WHEN $direction = 'higher_better' THEN
                        CASE WHEN s.value >= $green THEN 'green'
                             WHEN s.value >= $amber THEN 'amber' ELSE 'red' END
                    ELSE CASE WHEN s.value <= $green THEN 'green'
                              WHEN s.value <= $amber THEN 'amber' ELSE 'red' END
               END,
               CASE WHEN s.value IS NOT NULL AND NOT s.suppressed THEN
                   rank() OVER (PARTITION BY s.parent_code, s.level, s.period,
                                s.value IS NULL OR s.suppressed ORDER BY s.value {order}) END,
               count(CASE WHEN NOT s.suppressed THEN s.value END)
                   OVER (PARTITION BY s.parent_code, s.level, s.period),
               prev.value, yoy.value, s.suppressed, $run_id
        FROM shown s
        LEFT JOIN shown prev ON prev.area_code = s.area_code AND NOT prev.suppressed
             AND prev.period = strftime(strptime(s.period, '%Y-%m') - INTERVAL 1 MONTH, '%Y-%m')
        LEFT JOIN shown yoy ON yoy.area_code = s.area_code AND NOT yoy.suppressed
             AND yoy.period = strftime(strptime(s.period, '%Y-%m') - INTERVAL 12 MONTH, '%Y-%m')
        """,
        {
            "id": spec.id,
            "rollup": spec.rollup,
            "scale": spec.scale,
            "levels": list(spec.levels),
            "suppress": spec.suppress_below,
            "green": t.green if t else None,
            "amber": t.amber if t else None,
            "direction": spec.direction,
            "run_id": run_id,
        },
    )
    _insert_indicator(con, layer)
    return con.execute(
        "SELECT count(*) FROM ind.indicator_value WHERE indicator_id = ?", [spec.id]
    ).fetchall()[0][0]


def _insert_indicator(con: duckdb.DuckDBPyConnection, layer: Layer) -> None:
    s = layer.spec
    con.execute(
        f"INSERT INTO ind.indicator VALUES ({', '.join(['?'] * 21)})",
        [
            s.id, s.name_zh, s.name_en, s.description_zh, s.description_en, s.domain,
            s.department, s.unit_zh, s.unit_en, s.direction, s.rollup, s.scale, s.decimals,
            list(s.levels), s.cadence, s.thresholds.green if s.thresholds else None,
            s.thresholds.amber if s.thresholds else None, s.target, s.suppress_below,
            list(s.sources), f"{layer.yml_path.parent.name}/{layer.yml_path.name}",
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
            WHERE v.level IN ('street', 'community') AND list_contains($ids, v.indicator_id)
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
        LIMIT 20
        """,
        {"ids": layer_ids},
    ).fetchall()
    return [
        f"{ind} {area} {period}: {part} {parent} ≠ Σ children {children}"
        for ind, area, period, part, children, parent in rows
    ]


@dataclass
class Materialised:
    done: list[str] = field(default_factory=list)
    errors: list[LayerError] = field(default_factory=list)
    # Layers whose source tables have never been loaded: not broken, just not yet possible.
    waiting: dict[str, list[str]] = field(default_factory=dict)


def _missing_sources(con: duckdb.DuckDBPyConnection, layer: Layer) -> list[str]:
    present = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
    }
    return [s for s in layer.spec.sources if s not in present]


def materialise(con: duckdb.DuckDBPyConnection, layers: list[Layer], run_id: str) -> Materialised:
    """Materialise every layer; a broken layer is reported and left out, the rest go on."""
    con.execute(INDICATOR_DDL)
    result = Materialised()
    errors, done = result.errors, result.done
    for layer in layers:
        missing = _missing_sources(con, layer)
        if missing:
            result.waiting[layer.id] = missing
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            materialise_layer(con, layer, run_id)
        except LayerRunError as exc:
            con.execute("ROLLBACK")
            errors.append(LayerError(layer.sql_path, str(exc)))
            continue
        con.execute("COMMIT")
        done.append(layer.id)
    mismatches = check_rollup_consistency(con, done)
    if mismatches:
        raise ConsistencyError("roll-up check failed: " + "; ".join(mismatches))
    return result
