-- Back to revision 0001: drop what 0002_speed_up.sql added, then recreate 0001's
-- parcel_as_of(date, text). Its body is a frozen copy of 0001_schema_up.sql's, on purpose:
-- a down script restores that revision as it was, whatever later edits do to other files.
DROP FUNCTION IF EXISTS parcel_risk_level(integer, date, date, date, date, integer, integer, integer, integer);
DROP FUNCTION IF EXISTS parcel_planned_progress(date, date, date);
DROP FUNCTION IF EXISTS parcel_as_of(date, text, geometry);
DROP INDEX IF EXISTS parcel_event_geometry_change_idx;
CREATE FUNCTION parcel_as_of(as_of date, only_code text DEFAULT NULL)
RETURNS SETOF parcel_current
LANGUAGE sql STABLE AS $$
    WITH visible AS (
        SELECT * FROM parcel_event
        WHERE effective_date <= as_of AND (only_code IS NULL OR code = only_code)
    ),
    alive AS (
        SELECT parcel_id
        FROM (SELECT DISTINCT ON (parcel_id) parcel_id, action
              FROM visible
              WHERE action IN ('create', 'delete')
              ORDER BY parcel_id, effective_date DESC, id DESC) AS life
        WHERE action = 'create'
    ),
    latest AS (
        SELECT DISTINCT ON (parcel_id, field) parcel_id, field, new_value
        FROM visible
        WHERE field IS NOT NULL
        ORDER BY parcel_id, field, effective_date DESC, id DESC
    ),
    folded AS (
        SELECT l.parcel_id, jsonb_object_agg(l.field, l.new_value) AS state
        FROM latest l JOIN alive USING (parcel_id)
        GROUP BY l.parcel_id
    ),
    stamps AS (
        SELECT parcel_id, max(version) AS version, max(recorded_at) AS updated_at
        FROM visible GROUP BY parcel_id
    )
    SELECT f.parcel_id, s.code, s.name, s.category, s.stage, s.progress, s.start_date,
           s.deadline, s.completed_on, s.community, s.responsible_unit, s.responsible_person,
           s.buildings_total, s.buildings_demolished, s.households, s.floor_area_m2,
           s.vacant_area_m2, s.investment_wan, s.committee_formed_on, s.intended_tenant,
           s.contact, s.plan_targets, s.note, s.illustrative,
           ST_SetSRID(ST_GeomFromGeoJSON(f.state -> 'geometry'), 4326)::geometry(MultiPolygon, 4326),
           coalesce(f.state -> 'milestones', '[]'::jsonb),
           st.version, st.updated_at
    FROM folded f
    JOIN stamps st USING (parcel_id)
    CROSS JOIN LATERAL jsonb_populate_record(NULL::parcel_fields, f.state) AS s
$$;
