-- Only months for which both departments reported: a coverage rate needs both parts.
SELECT h.area_code, h.period,
       h.family_doctor_contracts AS numerator,
       p.registered_population AS denominator
FROM stg.health_services AS h
JOIN stg.population AS p
  ON p.area_code = h.area_code AND p.period = h.period
