SELECT area_code, period, hours_to_close AS value, cases_opened AS weight
FROM stg.city_cases
