SELECT area_code, period, sum(visitors) AS value
FROM stg.park_footfall
GROUP BY area_code, period
