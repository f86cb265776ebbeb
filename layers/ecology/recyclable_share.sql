SELECT area_code, period,
       recyclable_t AS numerator,
       kitchen_t + recyclable_t + hazardous_t + other_t AS denominator
FROM stg.waste
