SELECT area_code, period,
       sum(CASE WHEN closed_at <= accepted_at + INTERVAL 48 HOUR THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.hotline_ticket
GROUP BY area_code, period
