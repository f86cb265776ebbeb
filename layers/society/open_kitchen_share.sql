SELECT area_code, period, open_kitchens AS numerator, outlets AS denominator
FROM stg.kitchens
