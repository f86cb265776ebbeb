SELECT area_code, period,
       sum(occupancy_pct * spaces) / sum(spaces) AS value,
       sum(spaces) AS weight
FROM stg.car_parks
GROUP BY area_code, period
