SELECT area_code, period, resident_population AS value
FROM stg.population
