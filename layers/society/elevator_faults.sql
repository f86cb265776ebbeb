SELECT area_code, period, sum(faults) AS value
FROM stg.elevator_month
GROUP BY area_code, period
