SELECT area_code, period, coalesce(sum(amount_yuan), 0) / 10000 AS value
FROM stg.policy_payments
GROUP BY area_code, period
