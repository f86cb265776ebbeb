SELECT area_code, period, households AS value
FROM stg.population
