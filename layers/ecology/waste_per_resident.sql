SELECT w.area_code, w.period,
       w.kitchen_t + w.recyclable_t + w.hazardous_t + w.other_t AS numerator,
       p.resident_population AS denominator
FROM stg.waste AS w
JOIN stg.population AS p ON p.area_code = w.area_code AND p.period = w.period
