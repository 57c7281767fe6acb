-- The `create` events of the parcels bulk_insert_parcels.sql just wrote (found by their
-- codes, unique in the table), one per non-null field in JSON form: the events
-- parcel_writes.create_parcel appends for one parcel. The statement trigger of revision 0005
-- then folds them into each new parcel's parcel_state row.
INSERT INTO parcel_event (parcel_id, code, action, field, old_value, new_value,
                          effective_date, actor, version)
SELECT p.id, p.code, 'create', e.key, NULL, e.value, :effective_date, :actor, 1
FROM (SELECT p.* FROM import_staging AS s JOIN parcel AS p ON p.code = s.code
      ORDER BY s.row_number) AS p
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
