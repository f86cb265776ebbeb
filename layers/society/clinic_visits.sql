SELECT area_code, period, clinic_visits AS value
FROM stg.health_services
