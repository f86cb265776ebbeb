SELECT area_code, period, service_hours AS value
FROM stg.volunteering
