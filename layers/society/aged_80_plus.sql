SELECT area_code, period, aged_80_plus AS value
FROM stg.elderly_care
