SELECT period,
       sum(CASE WHEN on_time THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.data_delivery
GROUP BY period
