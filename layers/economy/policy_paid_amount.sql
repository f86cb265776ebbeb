-- base: the firms paid, so that one firm's payment is never shown on its own.
SELECT area_code, period, coalesce(sum(amount_yuan), 0) / 10000 AS value,
       count(DISTINCT credit_code) AS base
FROM stg.policy_payments
GROUP BY area_code, period
