SELECT area_code, period, home_care_visits AS value
FROM stg.elderly_care
