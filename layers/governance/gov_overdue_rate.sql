SELECT area_code, period, overdue AS numerator, cases AS denominator
FROM stg.service_cases
