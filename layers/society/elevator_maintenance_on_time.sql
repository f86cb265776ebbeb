-- A facility counts in the community it stands in, and again, as an overlay, in the
-- park around it (pipelines/placement.py); a park is never summed into its street.
SELECT community_code AS area_code, period, sum(CASE WHEN maintenance_on_time = '是' THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.elevator_month WHERE community_code IS NOT NULL
GROUP BY ALL
UNION ALL
SELECT park_code AS area_code, period, sum(CASE WHEN maintenance_on_time = '是' THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.elevator_month WHERE park_code IS NOT NULL
GROUP BY ALL
