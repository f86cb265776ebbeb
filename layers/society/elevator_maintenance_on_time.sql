-- A facility counts in each of its places: the community it stands in and, as an
-- overlay, the park around it (pipelines/placement.py).
SELECT place AS area_code, period, sum(CASE WHEN maintenance_on_time = '是' THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.elevator_month, unnest(places) AS p(place)
GROUP BY ALL
