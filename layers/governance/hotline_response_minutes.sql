-- Sum of minutes over answered tickets: the engine divides at every level.
SELECT area_code, period,
       sum(date_diff('second', accepted_at, responded_at)) / 60 AS numerator,
       count(*) AS denominator
FROM stg.hotline_ticket
WHERE responded_at IS NOT NULL
GROUP BY area_code, period
