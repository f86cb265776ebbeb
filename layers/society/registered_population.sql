SELECT area_code, period, registered_population AS value
FROM stg.population
