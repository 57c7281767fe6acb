-- The parcels' counts per (category, stage, level, community, deadline window) as of a date,
-- and the envelope of them all: what a map drawn from vector tiles needs to show legend
-- counts and fit its view without embedding the parcels. Filled in by
-- gis_service.repo.parcel_legend with <source> and <where> as for a page of parcels. The
-- window buckets mirror gis_service.maps.payload.deadline_windows with the bounds it
-- computes (:on, :month_end, :quarter_end); a parcel done (level green) or without a
-- deadline is in no window.
WITH t AS (
    SELECT p.category, p.stage, p.community, p.deadline, p.geom,
           coalesce(parcel_risk_level(p.progress, p.start_date, p.deadline, p.completed_on, :on,
                                      :orange_days, :yellow_days, :orange_lag, :yellow_lag),
                    'grey') AS level
    FROM {source} AS p
    WHERE {where}
)
SELECT category, stage, level, community,
       CASE WHEN level = 'green' OR deadline IS NULL THEN ''
            WHEN deadline < :on THEN 'overdue'
            WHEN deadline <= :month_end THEN 'month'
            WHEN deadline <= :quarter_end THEN 'quarter'
            ELSE '' END AS bucket,
       count(*) AS n,
       ST_XMin(ST_Extent(geom)) AS minlon, ST_YMin(ST_Extent(geom)) AS minlat,
       ST_XMax(ST_Extent(geom)) AS maxlon, ST_YMax(ST_Extent(geom)) AS maxlat
FROM t
GROUP BY 1, 2, 3, 4, 5
