-- A facility counts in each of its places: the community it stands in and, as an
-- overlay, the park around it (pipelines/placement.py).
SELECT place AS area_code, period, sum(failed_inspections) AS numerator, sum(inspections) AS denominator
FROM stg.kitchens, unnest(places) AS p(place)
GROUP BY ALL
