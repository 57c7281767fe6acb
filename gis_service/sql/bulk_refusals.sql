-- Every rule a staged row breaks, checked for all staged rows at once: one row per failure.
-- The parcel table's own rules are not restated here: <table_rules> is filled in by
-- gis_service.repo.bulk_import from the catalogue (each CHECK constraint of `parcel` and each
-- NOT NULL column without a default, with the row path's sentence from
-- parcel_writes.CONSTRAINT_MESSAGES), so a new or changed constraint reaches both paths.
-- Written here is only what the table states elsewhere than in a CHECK: codes unique (in the
-- file and against the table), the community key, the outline's kind (the staging column
-- takes any geometry), the service-area trigger, and the staging's wider integer types.
WITH staged AS (
    SELECT s.*,
           count(*) OVER (PARTITION BY s.code) AS copies,
           EXISTS (SELECT 1 FROM parcel p WHERE p.code = s.code) AS taken,
           ST_GeometryType(s.geom) AS kind
    FROM import_staging AS s
)
SELECT s.row_number, c.field, c.value, c.reason
FROM staged AS s
CROSS JOIN LATERAL (VALUES
    {table_rules},
    ('code', s.code, s.copies > 1, 'code repeated in the file'),
    ('code', s.code, s.taken, 'a parcel with this code exists: the bulk path only creates'),
    ('community', s.community, s.community IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM community m WHERE m.name = s.community),
        CAST(:community_reason AS text)),
    ('numbers', NULL, greatest(s.buildings_total, s.buildings_demolished, s.households) > 2147483647,
        'counts must be at most 2147483647'),
    ('geometry', s.kind, s.kind NOT IN ('ST_Polygon', 'ST_MultiPolygon'),
        'a parcel needs its outline (a polygon)'),
    ('geometry', ST_AsText(ST_PointOnSurface(s.geom), 5), s.kind IN ('ST_Polygon', 'ST_MultiPolygon')
        AND ST_IsValid(s.geom)
        AND NOT EXISTS (SELECT 1 FROM service_area a WHERE ST_CoveredBy(s.geom, a.geom)),
        CAST(:service_area_reason AS text))
) AS c(field, value, failed, reason)
WHERE c.failed
ORDER BY s.row_number, c.field
LIMIT 1000
