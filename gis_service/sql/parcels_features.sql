-- One page of parcels as GeoJSON Features, the JSON built by PostgreSQL (issue 10: the page
-- costs what the page holds, and nothing is decoded and encoded again in Python). Filled in by
-- gis_service.repo.parcel_reads: <page> parcels_page.sql with the columns of the fields that
-- depend on the page's date; <heads> the lookup of a page row's stored head (migration 0006:
-- the Feature's text up to its updated_at property, braces left open) and last change, in
-- parcel_feature, or parcel_state_feature for the state parcel_as_of() read, for the page's
-- rows only; <tail> the rest of the Feature's text: the properties that depend on the date,
-- in gis_service.features' order, with the risk fields from parcel_risk_level() and
-- parcel_planned_progress() (proven equal to gis_service.rules.levels by
-- tests/test_levels_sql.py), the last change, and the closing braces. The page is the
-- string_agg of the Features: the text a row_to_json of every property gave (issue 10 goal 1).
SELECT max(page.number_matched) AS number_matched,
       count(page.code) AS number_returned,
       coalesce('[' || string_agg(concat(stored.head, {tail}), ', ' ORDER BY page.code) || ']',
                '[]') AS features
FROM (
{page}
) AS page
CROSS JOIN LATERAL ({heads}) AS stored
