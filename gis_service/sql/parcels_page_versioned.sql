-- A page of Features and the data's stamp in one round trip (gis_service.api.page_fast_path):
-- the data's version now (data_stamp.sql, filled in as <stamp>), whether the page's date lies
-- before the last change (the fold would be needed: DataStamp.before_last_change, and the
-- routes answer) and the page of parcels_features.sql over parcel_current, filled in as
-- <features>. The page's WHERE ends with `NOT (SELECT folded FROM stamp)`: an uncorrelated
-- InitPlan that PostgreSQL checks once, before the scan, so a folded date reads no parcel.
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
{features}
) AS page
