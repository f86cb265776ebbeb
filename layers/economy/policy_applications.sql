SELECT area_code, period, count(*) AS value
FROM stg.policy_payments
GROUP BY area_code, period
