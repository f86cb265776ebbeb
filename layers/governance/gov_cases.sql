SELECT area_code, period, cases AS value
FROM stg.service_cases
