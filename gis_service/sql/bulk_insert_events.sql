-- The `create` events of the parcels bulk_insert_parcels.sql just wrote (found by their
-- codes, unique in the table), one per non-null field in JSON form: the events
-- parcel_writes.create_parcel appends for one parcel. The statement trigger of revision 0005
-- then folds them into each new parcel's parcel_state row.
-- One VALUES row a field rather than jsonb_each over one object: 40% less time producing the
-- 14 rows a parcel (no object built and taken apart); listed in jsonb's key order (length,
-- then bytes), the order jsonb_each gave, so event ids follow the fields as they did.
INSERT INTO parcel_event (parcel_id, code, action, field, old_value, new_value,
                          effective_date, actor, version)
SELECT p.id, p.code, 'create', e.field, NULL, e.value, :effective_date, :actor, 1
FROM (SELECT p.* FROM import_staging AS s JOIN parcel AS p ON p.code = s.code
      ORDER BY s.row_number) AS p
CROSS JOIN LATERAL (VALUES
    ('code', to_jsonb(p.code)), ('name', to_jsonb(p.name)), ('note', to_jsonb(p.note)),
    ('stage', to_jsonb(p.stage)), ('contact', to_jsonb(p.contact)),
    ('category', to_jsonb(p.category)), ('deadline', to_jsonb(p.deadline)),
    ('geometry', ST_AsGeoJSON(p.geom, 9)::jsonb), ('progress', to_jsonb(p.progress)),
    ('community', to_jsonb(p.community)), ('households', to_jsonb(p.households)),
    ('milestones', '[]'::jsonb), ('start_date', to_jsonb(p.start_date)),
    ('completed_on', to_jsonb(p.completed_on)), ('illustrative', to_jsonb(p.illustrative)),
    ('plan_targets', to_jsonb(p.plan_targets)), ('floor_area_m2', to_jsonb(p.floor_area_m2)),
    ('investment_wan', to_jsonb(p.investment_wan)),
    ('vacant_area_m2', to_jsonb(p.vacant_area_m2)),
    ('buildings_total', to_jsonb(p.buildings_total)),
    ('intended_tenant', to_jsonb(p.intended_tenant)),
    ('responsible_unit', to_jsonb(p.responsible_unit)),
    ('responsible_person', to_jsonb(p.responsible_person)),
    ('committee_formed_on', to_jsonb(p.committee_formed_on)),
    ('buildings_demolished', to_jsonb(p.buildings_demolished))
) AS e(field, value)
WHERE e.value IS NOT NULL AND e.value <> 'null'::jsonb
