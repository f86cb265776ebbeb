-- Days from dispatch to done, over the tasks dispatched in the month that are done. A mean:
-- a median does not add up from streets to the district, a sum of days over a count does.
SELECT street_code AS area_code, created_period AS period,
       sum(date_diff('second', created, closed)) / 86400 AS numerator,
       count(*) AS denominator
FROM stg.task_snapshot
WHERE street_code IS NOT NULL AND closed IS NOT NULL
GROUP BY ALL
