SELECT area_code, period, sorting_accuracy_pct AS value
FROM stg.waste
