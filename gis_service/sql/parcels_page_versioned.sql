-- A page of Features and the data's stamp in one round trip (gis_service.api.page_fast_path):
-- the data's version now (data_stamp.sql, filled in as <stamp>), whether the page's date lies
-- before the last change (the fold: DataStamp.before_last_change), and the page of
-- parcels_features.sql over the view that holds the date: parcel_current (<current>) or the
-- dated states (<folded>), as the route's select_feature_page chooses. Each page's WHERE ends
-- with a gate on `stamp.folded`, an uncorrelated InitPlan that PostgreSQL checks once before
-- the scan, so only the chosen page reads parcels; the outer WHEREs keep the chosen page's
-- row (the other branch's aggregate still gives one empty row).
-- One statement, one snapshot: the version is the one the page was read at.
WITH stamp AS MATERIALIZED (
SELECT s.version, coalesce(:on < s.last_change, false) AS folded
FROM (
{stamp}
) AS s
)
SELECT stamp.version, stamp.folded, page.number_matched, page.number_returned, page.features
FROM stamp
CROSS JOIN (
{current}
) AS page
WHERE NOT stamp.folded
UNION ALL
SELECT stamp.version, stamp.folded, page.number_matched, page.number_returned, page.features
FROM stamp
CROSS JOIN (
{folded}
) AS page
WHERE stamp.folded
