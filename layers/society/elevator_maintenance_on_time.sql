SELECT area_code, period,
       sum(CASE WHEN maintenance_on_time = '是' THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.elevator_month
GROUP BY area_code, period
