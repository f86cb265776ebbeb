SELECT area_code, period, cases_closed_on_time AS numerator, cases_opened AS denominator
FROM stg.city_cases
