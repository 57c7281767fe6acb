-- All staged rows become parcels, in row order (ids ascend with the file's rows). The rows
-- were checked before by bulk_refusals.sql. The columns are listed on both sides, so a
-- column the insert does not set (identity, defaults, a generated column) is left alone.
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
