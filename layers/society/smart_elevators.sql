SELECT area_code, period, count(DISTINCT device_id) AS value
FROM stg.elevator_month
GROUP BY area_code, period
