-- One update of a parcel and its events in one statement (issue 9 item 4: a one-field PATCH
-- in at most five statements). Filled in by gis_service.repo.parcel_writes:
--   <assignments>  the changed columns (names from gis_service.fields, values bound), the
--                  version, updated_at and updated_by
--   <guard>        for a new outline only: it differs from the stored one (9 digits)
-- :changes is a JSON array of (field, old, new) objects in field order; a geometry's new
-- value is the stored outline, as PostGIS writes it. No row back when the guard finds no change.
WITH updated AS (
    UPDATE parcel
    SET {assignments}
    WHERE id = :id {guard}
    RETURNING *
),
recorded AS (
    INSERT INTO parcel_event
        (parcel_id, code, action, field, old_value, new_value, effective_date, actor, version)
    SELECT u.id, u.code, 'update', c.change ->> 'field', nullif(c.change -> 'old', 'null'),
           CASE WHEN c.change ->> 'field' = 'geometry' THEN ST_AsGeoJSON(u.geom, 9)::jsonb
                ELSE nullif(c.change -> 'new', 'null') END,
           :effective_date, :actor, u.version
    FROM updated AS u
    CROSS JOIN jsonb_array_elements(CAST(:changes AS jsonb)) WITH ORDINALITY AS c(change, position)
    ORDER BY c.position
)
SELECT {columns}, u.version, u.updated_at, ST_AsGeoJSON(u.geom, 6)::jsonb AS outline
FROM updated AS u
