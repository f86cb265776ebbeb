SELECT area_code, period, sum(entrapment_alarms) AS value
FROM stg.elevator_month
GROUP BY area_code, period
