-- One page of parcels as GeoJSON Features, the JSON built by PostgreSQL (issue 10: the page
-- costs what the page holds, and nothing is decoded and encoded again in Python). Filled in by
-- gis_service.repo.parcel_reads: <page> and <last> as for parcels_select.sql; <properties>
-- the select list of one Feature's properties, in gis_service.features' order, with the risk
-- fields from parcel_risk_level() and parcel_planned_progress() (proven equal to
-- gis_service.rules.levels by tests/test_levels_sql.py).
-- Each Feature is text put together around its GeoJSON geometry and the row_to_json of its
-- properties, the page their string_agg: the same document as json_build_object's, without
-- building an object per Feature and parsing the geometry back as json (issue 10 goal 1).
SELECT max(page.number_matched) AS number_matched,
       count(page.code) AS number_returned,
       coalesce('[' || string_agg(
           '{{"type": "Feature", "id": ' || to_json(page.code)::text
           || ', "geometry": ' || coalesce(ST_AsGeoJSON(page.geom, 6), 'null')
           || ', "properties": '
           || (SELECT row_to_json(properties) FROM (SELECT {properties}) AS properties)::text
           || '}}',
           ', ' ORDER BY page.code) || ']', '[]') AS features
FROM (
{page}
) AS page
{last}
