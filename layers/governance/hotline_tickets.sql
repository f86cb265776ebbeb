SELECT area_code, period, count(*) AS value
FROM stg.hotline_ticket
GROUP BY area_code, period
