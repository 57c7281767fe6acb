-- Back to revision 0004: drop the materialised states and their trigger, then recreate
-- 0002's parcel_as_of (undo what changed after the date). Its body is a frozen copy of
-- 0002_speed_up.sql's, on purpose: a down script restores that revision as it was.
DROP TRIGGER IF EXISTS parcel_state_follow_events ON parcel_event;
DROP FUNCTION IF EXISTS parcel_state_follow_events();
DROP FUNCTION IF EXISTS parcel_state_refold(bigint[], date[]);
DROP FUNCTION IF EXISTS parcel_as_of(date, text, geometry);
DROP TABLE IF EXISTS parcel_state;
DROP AGGREGATE IF EXISTS jsonb_merge_agg(jsonb);

DROP TRIGGER IF EXISTS parcel_keep_history ON parcel;
DROP FUNCTION IF EXISTS parcel_keep_history();
ALTER TABLE parcel_event ADD CONSTRAINT parcel_event_parcel_id_fkey
    FOREIGN KEY (parcel_id) REFERENCES parcel (id);
DROP TRIGGER IF EXISTS parcel_geom_in_service_area_moved ON parcel;
DROP TRIGGER IF EXISTS parcel_geom_in_service_area ON parcel;
DROP FUNCTION IF EXISTS parcel_geom_in_service_area();
CREATE FUNCTION parcel_geom_in_service_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM service_area a WHERE ST_CoveredBy(NEW.geom, a.geom)) THEN
        RAISE EXCEPTION 'geometry of parcel % lies outside the service area', NEW.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_geom_in_service_area';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER parcel_geom_in_service_area
    BEFORE INSERT OR UPDATE OF geom ON parcel
    FOR EACH ROW EXECUTE FUNCTION parcel_geom_in_service_area();

CREATE FUNCTION parcel_as_of(as_of date, only_code text DEFAULT NULL, within geometry DEFAULT NULL)
RETURNS SETOF parcel_current
LANGUAGE sql STABLE AS $$
    WITH candidate AS (
        -- by the GiST index when an envelope is given (an OR would make it a full scan)
        SELECT p.* FROM parcel p
        WHERE (within IS NULL OR p.geom && within)
          AND (only_code IS NULL OR p.code = only_code)
        UNION ALL
        SELECT p.* FROM parcel p
        WHERE within IS NOT NULL AND NOT p.geom && within
          AND (only_code IS NULL OR p.code = only_code)
          AND p.id IN (SELECT g.parcel_id FROM parcel_event g
                       WHERE g.field = 'geometry' AND g.action = 'update')
    ),
    -- The whole table at once: one pass over the events after the date, not one per parcel.
    later_everywhere AS (
        SELECT f.parcel_id,
               jsonb_object_agg(f.field, f.old_value) FILTER (WHERE f.field IS NOT NULL)
                   AS reverted,
               bool_or(f.action = 'create') AS created_later,
               min(f.version) AS first_version
        FROM (SELECT DISTINCT ON (e.parcel_id, e.field)
                     e.parcel_id, e.field, e.old_value, e.action, e.version
              FROM parcel_event e
              WHERE e.effective_date > as_of AND within IS NULL AND only_code IS NULL
              ORDER BY e.parcel_id, e.field, e.effective_date, e.id) AS f
        GROUP BY f.parcel_id
    ),
    undone AS (
        SELECT c.*, w.reverted, w.created_later, w.first_version
        FROM candidate c LEFT JOIN later_everywhere w ON w.parcel_id = c.id
        WHERE within IS NULL AND only_code IS NULL
        UNION ALL
        -- a page or one parcel: each reads its own later events by index
        SELECT c.*, l.reverted, l.created_later, l.first_version
        FROM candidate c
        CROSS JOIN LATERAL (
            SELECT jsonb_object_agg(f.field, f.old_value) FILTER (WHERE f.field IS NOT NULL)
                       AS reverted,
                   bool_or(f.action = 'create') AS created_later,
                   min(f.version) AS first_version
            FROM (SELECT DISTINCT ON (e.field) e.field, e.old_value, e.action, e.version
                  FROM parcel_event e
                  WHERE e.parcel_id = c.id AND e.effective_date > as_of
                  ORDER BY e.field, e.effective_date, e.id) AS f
        ) AS l
        WHERE within IS NOT NULL OR only_code IS NOT NULL
    )
    SELECT p.id, s.code, s.name, s.category, s.stage, s.progress, s.start_date,
           s.deadline, s.completed_on, s.community, s.responsible_unit, s.responsible_person,
           s.buildings_total, s.buildings_demolished, s.households, s.floor_area_m2,
           s.vacant_area_m2, s.investment_wan, s.committee_formed_on, s.intended_tenant,
           s.contact, s.plan_targets, s.note, s.illustrative,
           CASE WHEN p.reverted ? 'geometry'
                THEN ST_SetSRID(ST_GeomFromGeoJSON(p.reverted -> 'geometry'), 4326)
                ELSE p.geom END::geometry(MultiPolygon, 4326),
           CASE WHEN p.reverted ? 'milestones' THEN p.reverted -> 'milestones'
                ELSE coalesce((SELECT jsonb_agg(jsonb_build_object('name', m.name,
                                                                   'due_date', m.due_date,
                                                                   'done_on', m.done_on)
                                                ORDER BY m.position)
                               FROM milestone m WHERE m.parcel_id = p.id), '[]'::jsonb) END,
           coalesce(p.first_version - 1, p.version),
           CASE WHEN p.first_version IS NULL THEN p.updated_at
                ELSE (SELECT max(e.recorded_at) FROM parcel_event e
                      WHERE e.parcel_id = p.id AND e.effective_date <= as_of) END
    FROM undone p
    CROSS JOIN LATERAL jsonb_populate_record(
        ROW(p.code, p.name, p.category, p.stage, p.progress, p.start_date, p.deadline,
            p.completed_on, p.community, p.responsible_unit, p.responsible_person,
            p.buildings_total, p.buildings_demolished, p.households, p.floor_area_m2,
            p.vacant_area_m2, p.investment_wan, p.committee_formed_on, p.intended_tenant,
            p.contact, p.plan_targets, p.note, p.illustrative)::parcel_fields,
        coalesce(p.reverted, '{}'::jsonb)) AS s
    WHERE (p.deleted_at IS NULL OR p.first_version IS NOT NULL)
      AND NOT coalesce(p.created_later, false)
$$;
