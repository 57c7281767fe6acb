-- A versioned tile in one round trip (gis_service.api.tile_pool): the data's version now
-- (data_stamp.sql, filled in as <stamp>), whether the date lies before the last change (the fold
-- would be needed: DataStamp.before_last_change) and, only when the URL's version is the
-- data's and the current view holds that day, the tile of parcels_tile.sql over
-- parcel_current, filled in as <tile>. The tile is an uncorrelated subquery: PostgreSQL runs
-- it (an InitPlan) only when the CASE needs it.
WITH stamp AS MATERIALIZED (
{stamp}
)
SELECT s.version, coalesce(:on < s.last_change, false) AS folded,
       CASE WHEN s.version = :v AND NOT coalesce(:on < s.last_change, false)
            THEN (
{tile}
            )
       END AS tile
FROM stamp AS s
