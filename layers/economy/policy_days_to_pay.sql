SELECT area_code, period,
       sum(date_diff('day', applied_on::DATE, paid_on::DATE)) AS numerator,
       count(*) AS denominator
FROM stg.policy_payments
WHERE paid_on IS NOT NULL
GROUP BY area_code, period
