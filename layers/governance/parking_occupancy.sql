-- A facility counts in each of its places: the community it stands in and, as an
-- overlay, the park around it (pipelines/placement.py).
SELECT place AS area_code, period, sum(occupancy_pct * spaces) / NULLIF(sum(spaces), 0) AS value,
       sum(spaces) AS weight
FROM stg.car_parks, unnest(places) AS p(place)
GROUP BY ALL
