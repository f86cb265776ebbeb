SELECT area_code, period,
       sum(date_diff('second', accepted_at, closed_at)) / 3600 AS numerator,
       count(*) AS denominator
FROM stg.hotline_ticket
WHERE closed_at IS NOT NULL
GROUP BY area_code, period
