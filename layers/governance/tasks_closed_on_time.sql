-- Of the tasks dispatched in the month, the share marked done by their due date.
SELECT street_code AS area_code, created_period AS period,
       count(*) FILTER (WHERE closed IS NOT NULL AND closed <= due) AS numerator,
       count(*) AS denominator
FROM stg.task_snapshot
WHERE street_code IS NOT NULL
GROUP BY ALL
