-- Every rule a parcel must keep, checked for all staged rows at once: one row per failure.
-- Mirrors the table's constraints and the service-area trigger (0001_schema_up.sql), so a
-- refused row is named here instead of aborting the INSERT.
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
    ('code', s.code, s.code IS NULL OR s.code !~ '^[A-Za-z0-9_.-]{1,64}$',
        'code must be 1–64 letters, digits, ''.'', ''_'' or ''-'''),
    ('code', s.code, s.copies > 1, 'code repeated in the file'),
    ('code', s.code, s.taken, 'a parcel with this code exists: the bulk path only creates'),
    ('name', s.name, coalesce(btrim(s.name), '') = '', 'name must not be empty'),
    ('category', s.category, s.category IS NULL
        OR s.category NOT IN ('demolition_area', 'old_compound', 'idle_building', 'key_project'),
        'category is not one of the four kinds'),
    ('stage', s.stage, NOT EXISTS (
        SELECT 1 FROM unnest(CAST(:categories AS text[]), CAST(:stages AS text[])) AS k(c, st)
        WHERE k.c = s.category AND k.st = s.stage), 'stage is not a stage of the category'),
    ('progress', s.progress::text, s.progress NOT BETWEEN 0 AND 100,
        'progress must be between 0 and 100'),
    ('completed_on', NULL, s.stage = ANY (CAST(:last_stages AS text[])) AND s.completed_on IS NULL,
        'a completed stage needs completed_on'),
    ('deadline', s.deadline::text, s.deadline < s.start_date, 'deadline is before start_date'),
    ('vacant_area_m2', s.vacant_area_m2::text, s.vacant_area_m2 > s.floor_area_m2,
        'vacant area exceeds floor area'),
    ('buildings_demolished', s.buildings_demolished::text,
        s.buildings_demolished > s.buildings_total, 'buildings_demolished exceeds buildings_total'),
    ('numbers', NULL, least(s.buildings_total, s.buildings_demolished, s.households) < 0
        OR least(s.floor_area_m2, s.vacant_area_m2, s.investment_wan) < 0
        OR greatest(s.buildings_total, s.buildings_demolished, s.households) > 2147483647,
        'counts and areas must be between 0 and 2147483647'),
    ('community', s.community, s.community IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM community m WHERE m.name = s.community),
        'community is not a known community'),
    ('geometry', s.kind, s.geom IS NULL OR s.kind NOT IN ('ST_Polygon', 'ST_MultiPolygon'),
        'a parcel needs its outline (a polygon)'),
    ('geometry', s.kind, s.kind IN ('ST_Polygon', 'ST_MultiPolygon')
        AND NOT (ST_IsValid(s.geom) AND NOT ST_IsEmpty(s.geom)), 'geometry is not valid'),
    ('geometry', ST_AsText(ST_PointOnSurface(s.geom), 5), s.kind IN ('ST_Polygon', 'ST_MultiPolygon')
        AND NOT EXISTS (SELECT 1 FROM service_area a WHERE ST_CoveredBy(s.geom, a.geom)),
        'geometry lies outside the service area')
) AS c(field, value, failed, reason)
WHERE c.failed
ORDER BY s.row_number, c.field
LIMIT 1000
