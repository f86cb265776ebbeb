SELECT period, sum(rows_rejected) AS numerator, sum(rows_in) AS denominator
FROM stg.data_delivery
GROUP BY period
