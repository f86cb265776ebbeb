-- Every task dispatched from above in the month, counted at the street it belongs to
-- (a community's task at its street): the loop's own workload (综合评价).
SELECT street_code AS area_code, created_period AS period, count(*) AS value
FROM stg.task_snapshot
WHERE street_code IS NOT NULL
GROUP BY ALL
