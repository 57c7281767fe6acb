-- All staged rows become parcels, and each parcel its `create` events (one per non-null
-- field, in JSON form: the events parcel_writes.create_parcel appends for one parcel), in one
-- statement: the events read the inserted rows from RETURNING, with no join back.
-- The rows were checked before by bulk_refusals.sql.
WITH inserted AS (
    INSERT INTO parcel (code, name, category, stage, progress, start_date, deadline, completed_on,
                        community, responsible_unit, responsible_person, buildings_total,
                        buildings_demolished, households, floor_area_m2, vacant_area_m2,
                        investment_wan, committee_formed_on, intended_tenant, contact, note,
                        geom, created_by, updated_by)
    SELECT code, name, category, stage, coalesce(progress, 0), start_date, deadline, completed_on,
           community, responsible_unit, responsible_person, buildings_total, buildings_demolished,
           households, floor_area_m2, vacant_area_m2, investment_wan, committee_formed_on,
           intended_tenant, contact, note, ST_Multi(geom), :actor, :actor
    FROM import_staging
    ORDER BY row_number
    RETURNING *
)
INSERT INTO parcel_event (parcel_id, code, action, field, old_value, new_value,
                          effective_date, actor, version)
SELECT p.id, p.code, 'create', e.key, NULL, e.value, :effective_date, :actor, 1
FROM inserted AS p
CROSS JOIN LATERAL jsonb_each(jsonb_strip_nulls(jsonb_build_object(
    'code', p.code, 'name', p.name, 'category', p.category, 'stage', p.stage,
    'progress', p.progress, 'start_date', p.start_date, 'deadline', p.deadline,
    'completed_on', p.completed_on, 'community', p.community,
    'responsible_unit', p.responsible_unit, 'responsible_person', p.responsible_person,
    'buildings_total', p.buildings_total, 'buildings_demolished', p.buildings_demolished,
    'households', p.households, 'floor_area_m2', p.floor_area_m2,
    'vacant_area_m2', p.vacant_area_m2, 'investment_wan', p.investment_wan,
    'committee_formed_on', p.committee_formed_on, 'intended_tenant', p.intended_tenant,
    'contact', p.contact, 'plan_targets', to_jsonb(p.plan_targets), 'note', p.note,
    'illustrative', p.illustrative, 'milestones', '[]'::jsonb,
    'geometry', ST_AsGeoJSON(p.geom, 9)::jsonb
))) AS e
