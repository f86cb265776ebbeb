SELECT area_code, period,
       sum(CASE WHEN aqi <= 100 THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.air_quality
GROUP BY area_code, period
