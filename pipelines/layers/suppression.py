"""Small-count suppression, applied once every layer is materialised and checked.

Primary: a value whose base (count or denominator) is 1..k-1 is hidden (k is the layer's
``suppress_below``, 5 unless it says otherwise), labelled "<k" (``suppressed_kind``
'small'). Complementary: more cells are hidden, labelled "已隐藏" ('complementary'),
until the interval audit (``interval_audit``) finds no hidden count that the published
counts narrow too far, by subtraction, by the ≥ 1 bound or by what the labels say. Parks
are overlays, never summed into a parent, and stand outside the sums. Then the hidden
cells lose their value, parts and status, and ranks and period-on-period changes are
computed over what is published.
"""

from __future__ import annotations

from itertools import groupby

import duckdb

from cockpit.levels import ROLLED_UP
from pipelines.layers.interval_audit import COMPLEMENTARY, SMALL, Cell, protect

# The cells of every indicator and month with something hidden: the tables to audit.
_TABLES = """
SELECT v.indicator_id, v.period, v.area_code, v.parent_code, v.level,
       coalesce(v.base, 0), v.value IS NOT NULL, v.suppressed, i.suppress_below,
       CASE WHEN i.rollup IN ('ratio', 'weighted_mean') THEN coalesce(v.numerator, 0) END
FROM ind.indicator_value v JOIN ind.indicator i USING (indicator_id)
JOIN (SELECT DISTINCT indicator_id, period FROM ind.indicator_value
      WHERE suppressed AND list_contains($ids, indicator_id)) t USING (indicator_id, period)
ORDER BY v.indicator_id, v.period, v.area_code
"""

_HIDE = """
UPDATE ind.indicator_value
SET value = NULL, numerator = NULL, denominator = NULL, status = NULL
WHERE suppressed AND list_contains($ids, indicator_id)
"""

# Ranks among siblings and last month's and last year's values, of published cells only.
_PUBLISHED_VIEWS = """
UPDATE ind.indicator_value AS t
SET rank = r.rank, rank_of = r.rank_of, prev_value = r.prev_value, yoy_value = r.yoy_value
FROM (
    SELECT v.indicator_id, v.area_code, v.period,
           CASE WHEN v.value IS NOT NULL THEN
               rank() OVER (PARTITION BY v.indicator_id, v.parent_code, v.level, v.period,
                                         v.value IS NULL
                            ORDER BY CASE WHEN i.direction = 'lower_better' THEN v.value
                                          ELSE -v.value END) END AS rank,
           count(v.value) OVER (PARTITION BY v.indicator_id, v.parent_code, v.level, v.period)
               AS rank_of,
           prev.value AS prev_value, yoy.value AS yoy_value
    FROM ind.indicator_value v
    JOIN ind.indicator i USING (indicator_id)
    LEFT JOIN ind.indicator_value prev
      ON prev.indicator_id = v.indicator_id AND prev.area_code = v.area_code
     AND prev.period = strftime(strptime(v.period, '%Y-%m') - INTERVAL 1 MONTH, '%Y-%m')
    LEFT JOIN ind.indicator_value yoy
      ON yoy.indicator_id = v.indicator_id AND yoy.area_code = v.area_code
     AND yoy.period = strftime(strptime(v.period, '%Y-%m') - INTERVAL 12 MONTH, '%Y-%m')
    WHERE list_contains($ids, v.indicator_id)
) r
WHERE t.indicator_id = r.indicator_id AND t.area_code = r.area_code AND t.period = r.period
"""


def _complementary(con: duckdb.DuckDBPyConnection, ids: dict) -> list[tuple[str, str, str]]:
    """The cells to hide so that no hidden count can be narrowed: the interval audit, per
    indicator and month with something hidden."""
    rows = con.execute(_TABLES, ids).fetchall()
    hide: list[tuple[str, str, str]] = []
    for (indicator, period), table in groupby(rows, key=lambda r: (r[0], r[1])):
        cells, ks = {}, set()
        for _i, _p, code, parent, level, base, has_value, suppressed, k, part in table:
            ks.add(int(k or 5))
            cells[code] = Cell(
                code,
                parent if level in ROLLED_UP else None,
                float(base),
                SMALL if suppressed else None,
                can_hide=bool(base > 0 and has_value),
                part=part,
            )
        hide.extend((indicator, period, code) for code in protect(cells, max(ks)))
    return hide


def suppress_small_counts(con: duckdb.DuckDBPyConnection, indicator_ids: list[str]) -> int:
    """Hide small counts of these indicators and whatever would give them away, then rank
    and compare their published cells; returns the cells hidden. Each indicator's cells
    are its own: another's are neither read nor changed."""
    ids = {"ids": list(indicator_ids)}
    con.execute(
        "UPDATE ind.indicator_value SET suppressed_kind = CASE WHEN suppressed THEN $small "
        "END WHERE list_contains($ids, indicator_id)",
        {**ids, "small": SMALL},
    )
    complementary = _complementary(con, ids)
    if complementary:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _complementary (indicator_id VARCHAR, "
            "period VARCHAR, area_code VARCHAR)"
        )
        con.executemany("INSERT INTO _complementary VALUES (?, ?, ?)", complementary)
        con.execute(
            "UPDATE ind.indicator_value AS v SET suppressed = true, suppressed_kind = ? "
            "FROM _complementary c WHERE v.indicator_id = c.indicator_id "
            "AND v.period = c.period AND v.area_code = c.area_code",
            [COMPLEMENTARY],
        )
        con.execute("DROP TABLE _complementary")
    hidden = con.execute(_HIDE, ids).fetchall()[0][0]
    con.execute(_PUBLISHED_VIEWS, ids)
    # The counts behind the values never leave the refresh (the next adds the column back).
    con.execute("ALTER TABLE ind.indicator_value DROP COLUMN base")
    return hidden
