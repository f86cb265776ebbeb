SELECT area_code, period, vaccine_doses AS value
FROM stg.health_services
