-- issue 10 goal 2: "as of a date" at the cost of the current read. The 0002 fold undid every
-- change made after the date, so its cost followed the recent changes: at 100 k parcels, most
-- of them changed since the date asked, the whole table took 21× the current read. Here the
-- fold is kept, materialised, by the database itself: parcel_state holds one row per parcel
-- and per day on which its events changed it, with the state after that day's events and the
-- day the next state took over (valid_to, exclusive; NULL while it holds). A read as of D is
-- the rows whose [valid_from, valid_to) holds D: a filter, no sort, no jsonb per field.
--
-- The rows are derived from parcel_event alone, by parcel_state_refold() (the same fold as
-- gis_service.rules.history.state_as_of: events in (effective_date, id) order, each sets its
-- field to new_value, a delete ends the parcel, a create starts it again). A statement
-- trigger on parcel_event refolds the parcels a statement wrote to, from the earliest day it
-- touched, so every writer (API, CLI, row and bulk import, sample loader) keeps it exact.
-- Storage: about one row per write day of each parcel (4 per parcel in the city bench).
CREATE AGGREGATE jsonb_merge_agg(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}');

CREATE TABLE parcel_state (
    parcel_id  bigint NOT NULL,
    valid_from date NOT NULL,
    valid_to   date,
    alive      boolean NOT NULL,
    fields     parcel_fields NOT NULL,
    geom       geometry(MultiPolygon, 4326),
    milestones jsonb NOT NULL,
    version    integer NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (parcel_id, valid_from),
    CHECK (valid_to > valid_from)
);
CREATE INDEX parcel_state_geom_idx ON parcel_state USING gist (geom);
CREATE INDEX parcel_state_code_idx ON parcel_state (((fields).code), valid_from);

-- Rebuild the states of the given parcels (each once) from the given day on (one a parcel),
-- from their events: rows from that day are replaced, the row before it carried forward.
CREATE FUNCTION parcel_state_refold(parcel_ids bigint[], from_days date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM parcel_state s USING unnest(parcel_ids, from_days) AS a(parcel_id, from_day)
    WHERE s.parcel_id = a.parcel_id AND s.valid_from >= a.from_day;
    WITH affected AS (
        SELECT * FROM unnest(parcel_ids, from_days) AS a(parcel_id, from_day)
    ),
    base AS (
        SELECT DISTINCT ON (s.parcel_id) s.*
        FROM parcel_state s JOIN affected a USING (parcel_id)
        ORDER BY s.parcel_id, s.valid_from DESC
    ),
    events AS (
        SELECT e.parcel_id, e.code, e.action, e.field, e.new_value, e.effective_date, e.id,
               e.version, e.recorded_at,
               coalesce(max(e.id) FILTER (WHERE e.action = 'delete')
                            OVER (PARTITION BY e.parcel_id, e.effective_date), 0) AS reset_id
        FROM affected a
        JOIN parcel_event e ON e.parcel_id = a.parcel_id AND e.effective_date >= a.from_day
    ),
    -- one row a day: what the day's events after its last delete set, in id order
    days AS (
        SELECT parcel_id, effective_date AS day, bool_or(action = 'delete') AS resets,
               coalesce(jsonb_object_agg(field, new_value ORDER BY id)
                            FILTER (WHERE field IS NOT NULL AND id > reset_id), '{}') AS patch,
               coalesce(bool_or(action = 'create' AND id > reset_id), false) AS creates,
               max(version) AS version, max(recorded_at) AS recorded_at, max(code) AS code
        FROM events GROUP BY parcel_id, effective_date
    ),
    -- a life: the days from a delete (or the start) to the next delete
    lives AS (
        SELECT d.*, sum(d.resets::integer) OVER (PARTITION BY d.parcel_id ORDER BY d.day) AS life
        FROM days d
    ),
    folded AS (
        SELECT l.parcel_id, l.day, l.life, l.code,
               jsonb_merge_agg(l.patch) OVER life AS merged,
               bool_or(l.creates) OVER life AS created,
               max(l.version) OVER history AS version,
               max(l.recorded_at) OVER history AS recorded_at,
               lead(l.day) OVER history AS valid_to
        FROM lives l
        WINDOW life AS (PARTITION BY l.parcel_id, l.life ORDER BY l.day),
               history AS (PARTITION BY l.parcel_id ORDER BY l.day)
    )
    INSERT INTO parcel_state
        (parcel_id, valid_from, valid_to, alive, fields, geom, milestones, version, updated_at)
    SELECT f.parcel_id, f.day, f.valid_to,
           f.created OR (f.life = 0 AND coalesce(b.alive, false)),
           jsonb_populate_record(CASE WHEN f.life = 0 THEN b.fields END,
                                 jsonb_build_object('code', f.code) || f.merged),
           CASE WHEN f.merged ? 'geometry'
                THEN ST_SetSRID(ST_GeomFromGeoJSON(f.merged -> 'geometry'), 4326)
                WHEN f.life = 0 THEN b.geom END,
           coalesce(f.merged -> 'milestones', CASE WHEN f.life = 0 THEN b.milestones END,
                    '[]'::jsonb),
           greatest(f.version, b.version), greatest(f.recorded_at, b.updated_at)
    FROM folded f LEFT JOIN base b USING (parcel_id);
    -- the state before the first refolded day now ends where the refolded ones begin
    UPDATE parcel_state s SET valid_to = n.first_day
    FROM (SELECT a.parcel_id, a.from_day, min(r.valid_from) AS first_day
          FROM unnest(parcel_ids, from_days) AS a(parcel_id, from_day)
          JOIN parcel_state r ON r.parcel_id = a.parcel_id AND r.valid_from >= a.from_day
          GROUP BY a.parcel_id, a.from_day) AS n
    WHERE s.parcel_id = n.parcel_id AND s.valid_from < n.from_day
      AND (s.valid_to IS NULL OR s.valid_to >= n.from_day)
      AND s.valid_to IS DISTINCT FROM n.first_day;
END $$;

CREATE FUNCTION parcel_state_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- the foreign key's check, once a statement (issue 12 goal 6: a row trigger per event
    -- was a fifth of a bulk import); parcels are never removed (soft delete), see below
    IF EXISTS (SELECT 1 FROM added a WHERE NOT EXISTS (SELECT 1 FROM parcel p WHERE p.id = a.parcel_id))
    THEN
        RAISE EXCEPTION 'parcel_event refers to a parcel that does not exist'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'parcel_event_parcel_id_fkey';
    END IF;
    PERFORM parcel_state_refold(array_agg(t.parcel_id), array_agg(t.from_day))
    FROM (SELECT parcel_id, min(effective_date) AS from_day FROM added GROUP BY parcel_id) AS t
    HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_state_follow_events
    AFTER INSERT ON parcel_event REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_state_follow_events();

-- The states of the events recorded so far.
SELECT parcel_state_refold(array_agg(id), array_agg('-infinity'::date)) FROM parcel;
ANALYZE parcel_state;

DROP FUNCTION parcel_as_of(date, text, geometry);
-- The state of every parcel that existed on a date (docs/data-model.md), with the columns of
-- parcel_current; `only_code` and `within` (an envelope, by the GiST index) narrow it.
CREATE FUNCTION parcel_as_of(as_of date, only_code text DEFAULT NULL, within geometry DEFAULT NULL)
RETURNS SETOF parcel_current
LANGUAGE sql STABLE AS $$
    SELECT st.parcel_id, s.code, s.name, s.category, s.stage, s.progress, s.start_date,
           s.deadline, s.completed_on, s.community, s.responsible_unit, s.responsible_person,
           s.buildings_total, s.buildings_demolished, s.households, s.floor_area_m2,
           s.vacant_area_m2, s.investment_wan, s.committee_formed_on, s.intended_tenant,
           s.contact, s.plan_targets, s.note, s.illustrative,
           st.geom, st.milestones, st.version, st.updated_at
    FROM parcel_state st
    CROSS JOIN LATERAL (SELECT (st.fields).*) AS s
    WHERE st.valid_from <= as_of AND (st.valid_to IS NULL OR st.valid_to > as_of) AND st.alive
      AND (within IS NULL OR st.geom && within)
      AND (only_code IS NULL OR (st.fields).code = only_code)
$$;

-- issue 12 goal 6: the checks that ran once a row, once a statement. The foreign key of
-- parcel_event.parcel_id becomes the check above plus a refusal to remove a parcel that has
-- events (what the key's NO ACTION did); the service-area rule checks the statement's new or
-- moved outlines together, same constraint name and message, so the row path's 422 holds.
ALTER TABLE parcel_event DROP CONSTRAINT parcel_event_parcel_id_fkey;
CREATE FUNCTION parcel_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM parcel_event e WHERE e.parcel_id = OLD.id) THEN
        RAISE EXCEPTION 'parcel % has history; parcels are soft-deleted', OLD.code
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'parcel_event_parcel_id_fkey';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER parcel_keep_history BEFORE DELETE ON parcel
    FOR EACH ROW EXECUTE FUNCTION parcel_keep_history();

DROP TRIGGER parcel_geom_in_service_area ON parcel;
DROP FUNCTION parcel_geom_in_service_area();
CREATE FUNCTION parcel_geom_in_service_area() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    outside text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT n.code INTO outside FROM added n
        WHERE NOT EXISTS (SELECT 1 FROM service_area a WHERE ST_CoveredBy(n.geom, a.geom))
        LIMIT 1;
    ELSE
        SELECT n.code INTO outside FROM added n JOIN replaced o USING (id)
        WHERE n.geom IS DISTINCT FROM o.geom
          AND NOT EXISTS (SELECT 1 FROM service_area a WHERE ST_CoveredBy(n.geom, a.geom))
        LIMIT 1;
    END IF;
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION 'geometry of parcel % lies outside the service area', outside
            USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_geom_in_service_area';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_geom_in_service_area AFTER INSERT ON parcel
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_geom_in_service_area();
CREATE TRIGGER parcel_geom_in_service_area_moved AFTER UPDATE ON parcel
    REFERENCING OLD TABLE AS replaced NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_geom_in_service_area();
