-- Tasks dispatched in the month that ran past their due date, closed late or still open.
SELECT street_code AS area_code, created_period AS period,
       count(*) FILTER (WHERE overdue) AS value
FROM stg.task_snapshot
WHERE street_code IS NOT NULL
GROUP BY ALL
