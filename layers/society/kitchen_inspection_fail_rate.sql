SELECT area_code, period, failed_inspections AS numerator, inspections AS denominator
FROM stg.kitchens
