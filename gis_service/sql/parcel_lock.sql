-- A live parcel, locked for a write, read once with everything the write and its answer need:
-- its fields, the outline at the events' precision (9 digits) and at the API's (6), its
-- milestones, its latest effective date (changes are recorded in order) and last update
-- (<last>, <last_columns>: the join parcel_reads' reads use).
-- Columns come from the locked row itself, never from a second scan of the table (a view):
-- a writer that waited for the lock gets the row as the other writer left it, so its version
-- check sees the new version (PostgreSQL re-reads only the locked row after the wait). The
-- other values may predate that writer, but a stale version never gets past the check.
SELECT {columns}, ST_AsGeoJSON(p.geom, 9)::jsonb AS geometry,
       ST_AsGeoJSON(p.geom, 6)::jsonb AS outline,
       coalesce((SELECT jsonb_agg(jsonb_build_object('name', m.name, 'due_date', m.due_date,
                                                     'done_on', m.done_on)
                                  ORDER BY m.position)
                 FROM milestone AS m WHERE m.parcel_id = p.id), '[]'::jsonb) AS milestones,
       (SELECT max(e.effective_date) FROM parcel_event AS e
         WHERE e.parcel_id = p.id
           -- photo events change no field (the fold ignores them), so they set no order
           AND e.action IN ('create', 'update', 'delete'))
           AS latest_effective_date{last_columns}
FROM parcel AS p
{last}
WHERE p.code = :code AND p.deleted_at IS NULL
FOR UPDATE OF p
