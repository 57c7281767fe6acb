-- One page of parcels as GeoJSON Features, the JSON built by PostgreSQL (issue 10: the page
-- costs what the page holds, and nothing is decoded and encoded again in Python). Filled in by
-- gis_service.repo.parcel_reads: <page> and <last> as for parcels_select.sql; <properties>
-- the json_build_object arguments of every property, in gis_service.features' order, with
-- the risk fields from parcel_risk_level() and parcel_planned_progress() (proven equal to
-- gis_service.rules.levels by tests/test_levels_sql.py).
SELECT max(page.number_matched) AS number_matched,
       count(page.code) AS number_returned,
       coalesce(json_agg(json_build_object(
           'type', 'Feature',
           'id', page.code,
           'geometry', ST_AsGeoJSON(page.geom, 6)::json,
           'properties', json_build_object({properties}))
         ORDER BY page.code), '[]'::json)::text AS features
FROM (
{page}
) AS page
{last}
