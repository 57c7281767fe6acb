-- Parcels of a source relation (the current view, or the fold as of a date), filtered, one
-- page of them in code order. Filled in by gis_service.repo.parcel_reads:
--   <page>      parcels_page.sql: the page's rows of the source, with number_matched
--   <page_columns>  the page's columns from the field table (gis_service.parcels.fields)
--   <geometry>  the outline as GeoJSON (text or jsonb), or NULL when the caller needs facts only
--   <last>      the latest update event up to the date, for this page's rows only (an index
--               lookup per row, issue 10: never a scan of every parcel's events), or nothing
SELECT {page_columns}, page.number_matched, {geometry} AS geometry{last_columns}
FROM (
{page}
) AS page
{last}
ORDER BY page.code
