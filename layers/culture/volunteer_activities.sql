SELECT area_code, period, activities AS value
FROM stg.volunteering
