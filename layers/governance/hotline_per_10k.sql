SELECT p.area_code, p.period, coalesce(t.tickets, 0) AS numerator,
       p.registered_population AS denominator
FROM stg.population AS p
LEFT JOIN (
    SELECT area_code, period, count(*) AS tickets
    FROM stg.hotline_ticket
    GROUP BY area_code, period
) AS t ON t.area_code = p.area_code AND t.period = p.period
