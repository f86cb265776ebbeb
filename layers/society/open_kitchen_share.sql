-- A facility counts in the community it stands in, and again, as an overlay, in the
-- park around it (pipelines/placement.py); a park is never summed into its street.
SELECT community_code AS area_code, period, sum(open_kitchens) AS numerator, sum(outlets) AS denominator
FROM stg.kitchens WHERE community_code IS NOT NULL
GROUP BY ALL
UNION ALL
SELECT park_code AS area_code, period, sum(open_kitchens) AS numerator, sum(outlets) AS denominator
FROM stg.kitchens WHERE park_code IS NOT NULL
GROUP BY ALL
