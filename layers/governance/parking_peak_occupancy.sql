SELECT area_code, period, max(peak_occupancy_pct) AS value
FROM stg.car_parks
GROUP BY area_code, period
