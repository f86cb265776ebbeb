SELECT area_code, period, count(DISTINCT credit_code) AS value
FROM stg.policy_payments
GROUP BY area_code, period
