SELECT v.area_code, v.period,
       v.registered_volunteers AS numerator,
       p.registered_population AS denominator
FROM stg.volunteering AS v
JOIN stg.population AS p
  ON p.area_code = v.area_code AND p.period = v.period
