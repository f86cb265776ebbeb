SELECT area_code, period, max(day_visitors) AS value
FROM (
    SELECT area_code, period, day, sum(visitors) AS day_visitors
    FROM stg.park_footfall
    GROUP BY area_code, period, day
) AS daily
GROUP BY area_code, period
