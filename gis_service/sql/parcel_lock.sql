-- A live parcel, locked for a write, read once with everything the write and its answer need:
-- the view's fields, the outline at the events' precision (9 digits) and at the API's (6),
-- its latest effective date (changes are recorded in order) and its last update event.
SELECT {columns}, ST_AsGeoJSON(c.geom, 9)::jsonb AS geometry,
       ST_AsGeoJSON(c.geom, 6)::jsonb AS outline,
       (SELECT max(e.effective_date) FROM parcel_event AS e WHERE e.parcel_id = p.id)
           AS latest_effective_date,
       last.field AS last_field, last.effective_date AS last_effective_date,
       last.actor AS last_actor
FROM parcel AS p
JOIN parcel_current AS c ON c.id = p.id
LEFT JOIN LATERAL (
    SELECT e.field, e.effective_date, e.actor
    FROM parcel_event AS e
    WHERE e.parcel_id = p.id AND e.action = 'update'
    ORDER BY e.effective_date DESC, e.id DESC
    LIMIT 1
) AS last ON true
WHERE p.code = :code AND p.deleted_at IS NULL
FOR UPDATE OF p
