-- The month's last published reading of each station's community.
SELECT r.area_code, r.period, r.pm25 AS value, r.published_at AS as_of
FROM stg.air_quality AS r
JOIN (
    SELECT area_code, period, max(published_at) AS last_published
    FROM stg.air_quality
    GROUP BY area_code, period
) AS l ON l.area_code = r.area_code AND l.period = r.period
      AND l.last_published = r.published_at
