"""Small-count suppression, applied once every layer is materialised and checked.

Primary: a value whose base (count or denominator) is 1..k-1 is hidden (k is the layer's
``suppress_below``, 5 unless it says otherwise). Complementary: a hidden cell must not be
recoverable by subtraction, so
- among the children of a published parent, one hidden child is never alone: the visible
  sibling with the smallest base is hidden too;
- a hidden parent never has all its children visible (their sum would give it back): its
  child with the smallest base is hidden too;
repeated until nothing changes. Parks are overlays, never summed into a parent, and stand
outside both rules. Then the hidden cells lose their value, parts and status, and ranks
and period-on-period changes are computed over what is published.
"""

from __future__ import annotations

import duckdb

from cockpit.levels import ROLLED_UP

# Each pass hides at least one more cell; real trees settle in two or three.
_MAX_PASSES = 50
_ROLLED = "(" + ", ".join(f"'{level}'" for level in ROLLED_UP) + ")"


# Hide, in each group of siblings that ``groups`` names, the visible child with the
# smallest base (a zero names nobody, and hiding it would protect nothing).
_HIDE_SMALLEST = f"""
UPDATE ind.indicator_value AS t SET suppressed = true
FROM (
    SELECT c.indicator_id, c.area_code, c.period,
           row_number() OVER (PARTITION BY c.indicator_id, c.parent_code, c.period
                              ORDER BY c.base, c.area_code) AS n
    FROM ind.indicator_value c
    JOIN ({{groups}}) g
      ON g.indicator_id = c.indicator_id AND g.parent_code = c.parent_code
     AND g.period = c.period
    WHERE c.level IN {_ROLLED} AND NOT c.suppressed AND c.base > 0 AND c.value IS NOT NULL
      AND list_contains($ids, c.indicator_id)
) pick
WHERE pick.n = 1 AND t.indicator_id = pick.indicator_id AND t.area_code = pick.area_code
  AND t.period = pick.period
"""

# Siblings under a published parent with exactly one of them hidden.
_HORIZONTAL = _HIDE_SMALLEST.format(
    groups=f"""
    SELECT k.indicator_id, k.parent_code, k.period FROM ind.indicator_value k
    JOIN ind.indicator_value p
      ON p.indicator_id = k.indicator_id AND p.area_code = k.parent_code
     AND p.period = k.period AND NOT p.suppressed
    WHERE k.level IN {_ROLLED} AND list_contains($ids, k.indicator_id)
    GROUP BY ALL HAVING count(*) FILTER (WHERE k.suppressed) = 1"""
)

# The children of a hidden parent, none of them hidden.
_VERTICAL = _HIDE_SMALLEST.format(
    groups=f"""
    SELECT k.indicator_id, k.parent_code, k.period FROM ind.indicator_value k
    JOIN ind.indicator_value p
      ON p.indicator_id = k.indicator_id AND p.area_code = k.parent_code
     AND p.period = k.period AND p.suppressed
    WHERE k.level IN {_ROLLED} AND list_contains($ids, k.indicator_id)
    GROUP BY ALL HAVING count(*) FILTER (WHERE k.suppressed) = 0"""
)

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


def suppress_small_counts(con: duckdb.DuckDBPyConnection, indicator_ids: list[str]) -> int:
    """Hide small counts of these indicators and whatever would give them away, then rank
    and compare their published cells; returns the cells hidden. Each indicator's cells
    are its own: another's are neither read nor changed."""
    ids = {"ids": list(indicator_ids)}
    for _ in range(_MAX_PASSES):
        changed = con.execute(_HORIZONTAL, ids).fetchall()[0][0]
        changed += con.execute(_VERTICAL, ids).fetchall()[0][0]
        if not changed:
            break
    else:
        raise RuntimeError("complementary suppression did not settle")
    hidden = con.execute(_HIDE, ids).fetchall()[0][0]
    con.execute(_PUBLISHED_VIEWS, ids)
    # The counts behind the values never leave the refresh (the next adds the column back).
    con.execute("ALTER TABLE ind.indicator_value DROP COLUMN base")
    return hidden
