-- The item catalogue is district-wide: no area column, the engine assigns the district.
SELECT period,
       sum(CASE WHEN at_most_one_trip = '是' THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator
FROM stg.service_items
GROUP BY period
