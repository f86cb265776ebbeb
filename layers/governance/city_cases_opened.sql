SELECT area_code, period, cases_opened AS value
FROM stg.city_cases
