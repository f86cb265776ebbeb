SELECT area_code, period, sum(spaces) AS value
FROM stg.car_parks
GROUP BY area_code, period
