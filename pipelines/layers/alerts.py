"""``ind.alert``: the few values that need an official's attention (需关注), each with a
priority and a plain reason in both languages.

A colour alone is not an alert. A value becomes one when it is red for ``persist`` months
in a row, or, while red or amber, when it is clearly worse than its own history (the same
month last year) or than its siblings (a robust z-score by median and MAD, floored where
most siblings agree); or, not red yet, when its forecast says it will turn red soon (the
rule ``forecast_breach``, from ``ind.forecast_warning``). Values on too
few cases never get a colour (status "few"), and so never an alert.

The priority multiplies what an official weighs: how bad (red 3, amber 1), for how long,
how fast it worsens, how far it stands out, and how many people live with it (the area's
registered population).
"""

from __future__ import annotations

import duckdb

ALERT_DDL = """
CREATE OR REPLACE TABLE ind.alert (
    indicator_id VARCHAR, area_code VARCHAR, level VARCHAR, parent_code VARCHAR,
    period VARCHAR, status VARCHAR, value DOUBLE, months_red INTEGER,
    worse_than_last_year DOUBLE, sibling_mads DOUBLE, people DOUBLE, priority DOUBLE,
    reasons_zh VARCHAR[], reasons_en VARCHAR[], forecast_months INTEGER,
    forecast_probability DOUBLE,
    PRIMARY KEY (indicator_id, area_code, period)
)
"""

# MAD × 1.4826 estimates the standard deviation of normal data: z-scores read as usual.
_ALERTS = """
INSERT INTO ind.alert
WITH v AS (
    SELECT v.indicator_id, v.area_code, v.level, v.parent_code, v.period, v.value,
           v.status, v.yoy_value, i.alert_persist AS persist,
           i.alert_worse_than_last_year AS worse_bound, i.alert_sibling_mads AS mads_bound,
           CASE i.direction WHEN 'higher_better' THEN -1.0 ELSE 1.0 END AS worse_sign,
           -- One step of the precision the indicator is shown in (0.1 for one decimal).
           power(10, -coalesce(i.decimals, 0)) AS step
    FROM ind.indicator_value v JOIN ind.indicator i USING (indicator_id)
    WHERE i.direction <> 'neutral' AND v.value IS NOT NULL
),
runs AS (
    -- Months red in a row up to each month: the months since the last one not red.
    SELECT *, CASE WHEN status = 'red' THEN
               row_number() OVER (PARTITION BY indicator_id, area_code ORDER BY period)
               - coalesce(max(CASE WHEN status IS DISTINCT FROM 'red' THEN rn END) OVER (
                     PARTITION BY indicator_id, area_code ORDER BY period
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0)
               ELSE 0 END AS months_red
    FROM (SELECT *, row_number() OVER (PARTITION BY indicator_id, area_code ORDER BY period)
                    AS rn FROM v)
),
siblings AS (
    SELECT *,
           count(*) OVER w AS n_siblings,
           median(value) OVER w AS sibling_median,
           mad(value) OVER w AS sibling_mad,
           max(worse_sign * value) OVER w = worse_sign * value AS worst_sibling
    FROM runs
    WINDOW w AS (PARTITION BY indicator_id, parent_code, level, period)
),
spread AS (
    -- The siblings' spread: MAD × 1.4826 where most siblings differ; where most share
    -- one value (MAD 0), the mean absolute deviation from the median × 1.2533 (both
    -- estimate the standard deviation of normal data), so that an area far from identical
    -- siblings scores highest instead of blank; never under one step of the precision
    -- the indicator is shown in.
    SELECT *,
           greatest(CASE WHEN sibling_mad > 0 THEN 1.4826 * sibling_mad
                         ELSE 1.2533 * avg(abs(value - sibling_median)) OVER w END,
                    step) AS sibling_scale
    FROM siblings
    WINDOW w AS (PARTITION BY indicator_id, parent_code, level, period)
),
scored AS (
    SELECT s.*,
           CASE WHEN s.yoy_value IS NOT NULL AND s.yoy_value <> 0
                THEN s.worse_sign * (s.value - s.yoy_value) / abs(s.yoy_value) END AS worse_yoy,
           CASE WHEN s.n_siblings >= 5
                THEN s.worse_sign * (s.value - s.sibling_median) / s.sibling_scale
           END AS z,
           coalesce(p.value, 0) AS people,
           w.months AS forecast_months, w.probability AS forecast_probability
    FROM spread s
    LEFT JOIN ind.indicator_value p
      ON p.indicator_id = 'registered_population' AND p.area_code = s.area_code
     AND p.period = s.period
    LEFT JOIN ind.forecast_warning w
      ON w.indicator_id = s.indicator_id AND w.area_code = s.area_code AND w.period = s.period
),
flagged AS (
    SELECT *,
           months_red >= persist AS persistent,
           status IN ('red', 'amber') AND worse_yoy >= worse_bound AS worsening,
           status IN ('red', 'amber') AND z >= mads_bound AS outlier,
           status <> 'red' AND forecast_months IS NOT NULL AS warned
    FROM scored
)
SELECT indicator_id, area_code, level, parent_code, period, status, value, months_red,
       worse_yoy, z, people,
       (CASE status WHEN 'red' THEN 3 ELSE 1 END)
       * (1 + CASE WHEN warned THEN forecast_probability ELSE 0 END)
       * (1 + 0.25 * least(months_red, 6))
       * (1 + least(greatest(coalesce(worse_yoy, 0), 0), 2))
       * (1 + least(greatest(coalesce(z, 0), 0) / 3, 2))
       * log10(10 + people) AS priority,
       list_filter([
           CASE WHEN persistent THEN printf('连续%d个月红', months_red) END,
           CASE WHEN worsening THEN printf('同比恶化%.0f%%', 100 * worse_yoy) END,
           CASE WHEN outlier THEN
               CASE level WHEN 'community' THEN '街道内' WHEN 'street' THEN '全区'
                          WHEN 'district' THEN '全市' ELSE '同级' END
               || CASE WHEN worst_sibling THEN '最差, ' ELSE '' END
               || printf('偏离中位数%.1f倍MAD', z) END,
           CASE WHEN warned THEN printf('预计%d个月内转红（概率%d%%）', forecast_months,
                                        floor(100 * forecast_probability)::INTEGER) END
       ], lambda r: r IS NOT NULL),
       list_filter([
           CASE WHEN persistent THEN printf('red %d months running', months_red) END,
           CASE WHEN worsening THEN printf('%.0f%% worse than a year ago', 100 * worse_yoy) END,
           CASE WHEN outlier THEN
               CASE WHEN worst_sibling THEN 'worst ' ELSE '' END
               || CASE level WHEN 'community' THEN 'in its street' WHEN 'street'
                             THEN 'in the district' WHEN 'district' THEN 'in the city'
                             ELSE 'among its peers' END
               || printf(', %.1f MADs from the median', z) END,
           CASE WHEN warned THEN printf('forecast to turn red within %d month%s (%d%% likely)',
                                        forecast_months,
                                        CASE WHEN forecast_months > 1 THEN 's' ELSE '' END,
                                        floor(100 * forecast_probability)::INTEGER) END
       ], lambda r: r IS NOT NULL),
       CASE WHEN warned THEN forecast_months END, CASE WHEN warned THEN forecast_probability END
FROM flagged
WHERE persistent OR worsening OR outlier OR warned
"""


def publish_alerts(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild ``ind.alert`` from the published values and early warnings; returns how
    many there are."""
    con.execute(ALERT_DDL)
    con.execute(_ALERTS)
    return con.execute("SELECT count(*) FROM ind.alert").fetchall()[0][0]
