SELECT area_code, period,
       renovation_completed AS numerator,
       renovation_planned AS denominator
FROM stg.renovation
WHERE renovation_planned > 0
