-- One page of the parcels matching a query, in code order, each row with how many matched in
-- all (whatever the page). The inner part of parcels_select.sql and parcels_features.sql,
-- filled in by gis_service.repo.parcel_reads:
--   <columns>   READ_COLUMNS (the outline is selected as p.geom)
--   <source>    parcel_current, or parcel_as_of(...) for a past date
--   <where>     only the filters in use, each with bound values
--   <paging>    LIMIT/OFFSET, or nothing
SELECT {columns}, p.geom, count(*) OVER () AS number_matched
FROM {source} AS p
WHERE {where}
ORDER BY p.code
{paging}
