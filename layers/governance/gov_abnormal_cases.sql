SELECT area_code, period, abnormal AS value
FROM stg.service_cases
