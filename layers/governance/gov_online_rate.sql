SELECT period,
       sum(CASE WHEN online = '是' THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.service_items
GROUP BY period
