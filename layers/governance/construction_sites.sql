SELECT area_code, period, construction_sites AS value
FROM stg.renovation
