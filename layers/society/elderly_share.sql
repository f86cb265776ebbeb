SELECT area_code, period,
       aged_60_plus AS numerator,
       registered_population AS denominator
FROM stg.population
