SELECT e.area_code, e.period, e.subsidy_recipients AS numerator, p.aged_60_plus AS denominator
FROM stg.elderly_care AS e
JOIN stg.population AS p ON p.area_code = e.area_code AND p.period = e.period
