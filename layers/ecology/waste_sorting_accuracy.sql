SELECT area_code, period,
       sorting_accuracy_pct AS value,
       kitchen_t + recyclable_t + hazardous_t + other_t AS weight
FROM stg.waste
