-- issue 10: the 0001 fold sorted every event of every parcel (1.3 M rows on disk at 100 k
-- parcels) whatever the caller asked for. This fold splits the parcels in two:
--  * no event effective after the date: the parcel is in the same state as now, so its row
--    is read from the table (one index probe on parcel_event per parcel);
--  * changed since: its own events up to the date are folded (an index range scan of about
--    a dozen rows per parcel), never a sort of the whole table.
-- `within` (an envelope, or NULL) limits both halves to parcels that can touch it: those
-- whose current outline does, and those whose outline was ever changed (few; indexed below),
-- whose folded outline the caller filters again.
DROP FUNCTION parcel_as_of(date, text);

CREATE INDEX parcel_event_geometry_change_idx ON parcel_event (parcel_id)
    WHERE field = 'geometry' AND action = 'update';

CREATE FUNCTION parcel_as_of(as_of date, only_code text DEFAULT NULL, within geometry DEFAULT NULL)
RETURNS SETOF parcel_current
LANGUAGE sql STABLE AS $$
    SELECT c.*
    FROM parcel_current c
    WHERE (only_code IS NULL OR c.code = only_code)
      AND (within IS NULL OR c.geom && within)
      AND NOT EXISTS (SELECT 1 FROM parcel_event e
                      WHERE e.parcel_id = c.id AND e.effective_date > as_of)
    UNION ALL
    SELECT p.id, s.code, s.name, s.category, s.stage, s.progress, s.start_date,
           s.deadline, s.completed_on, s.community, s.responsible_unit, s.responsible_person,
           s.buildings_total, s.buildings_demolished, s.households, s.floor_area_m2,
           s.vacant_area_m2, s.investment_wan, s.committee_formed_on, s.intended_tenant,
           s.contact, s.plan_targets, s.note, s.illustrative,
           ST_SetSRID(ST_GeomFromGeoJSON(f.state -> 'geometry'), 4326)::geometry(MultiPolygon, 4326),
           coalesce(f.state -> 'milestones', '[]'::jsonb),
           f.version, f.updated_at
    FROM parcel p
    CROSS JOIN LATERAL (
        SELECT (array_agg(v.action ORDER BY v.effective_date DESC, v.id DESC)
                    FILTER (WHERE v.action <> 'update'))[1] AS life,
               jsonb_object_agg(v.field, v.new_value)
                    FILTER (WHERE v.latest AND v.field IS NOT NULL) AS state,
               max(v.version) AS version,
               max(v.recorded_at) AS updated_at
        FROM (SELECT e.id, e.action, e.field, e.new_value, e.effective_date, e.version,
                     e.recorded_at,
                     row_number() OVER (PARTITION BY e.field
                                        ORDER BY e.effective_date DESC, e.id DESC) = 1 AS latest
              FROM parcel_event e
              WHERE e.parcel_id = p.id AND e.effective_date <= as_of) AS v
    ) AS f
    CROSS JOIN LATERAL jsonb_populate_record(NULL::parcel_fields, f.state) AS s
    WHERE (only_code IS NULL OR p.code = only_code)
      AND (within IS NULL OR p.geom && within
           OR EXISTS (SELECT 1 FROM parcel_event g
                      WHERE g.parcel_id = p.id AND g.field = 'geometry' AND g.action = 'update'))
      AND EXISTS (SELECT 1 FROM parcel_event e
                  WHERE e.parcel_id = p.id AND e.effective_date > as_of)
      AND f.life = 'create'
$$;

-- The deadline-risk rules of gis_service.rules.levels in SQL, for vector tiles built by
-- ST_AsMVT inside PostgreSQL. One definition stays the Python one: tests/test_levels_sql.py
-- proves these functions equal it on many generated cases (Hypothesis).
CREATE FUNCTION parcel_planned_progress(start_date date, deadline date, on_date date)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN start_date IS NULL OR deadline IS NULL THEN NULL
        WHEN deadline - start_date <= 0 THEN CASE WHEN on_date >= deadline THEN 100 ELSE 0 END
        ELSE greatest(0, least(100, floor(
            (200 * (on_date - start_date) + (deadline - start_date))::numeric
            / (2 * (deadline - start_date)))::integer))
    END
$$;

CREATE FUNCTION parcel_risk_level(
    progress integer, start_date date, deadline date, completed_on date, on_date date,
    orange_days integer, yellow_days integer, orange_lag integer, yellow_lag integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN completed_on IS NOT NULL AND completed_on <= on_date THEN 'green'
        WHEN deadline IS NULL THEN 'grey'
        WHEN deadline < on_date THEN 'red'
        WHEN deadline - on_date <= orange_days
             OR parcel_planned_progress(start_date, deadline, on_date) - coalesce(progress, 0)
                >= orange_lag THEN 'orange'
        WHEN deadline - on_date <= yellow_days
             OR parcel_planned_progress(start_date, deadline, on_date) - coalesce(progress, 0)
                >= yellow_lag THEN 'yellow'
        ELSE 'blue'
    END
$$;
