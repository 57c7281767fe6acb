-- One Mapbox Vector Tile of the parcels (layer "parcels"), built by PostGIS. Filled in by
-- gis_service.repo.parcel_tiles: <source> and <where> as for a page of parcels (the tile's
-- envelope in degrees is the bbox filter, so the GiST index picks the parcels). Outlines are
-- simplified to the tile's pixel (:pixel metres at this zoom) before ST_AsMVTGeom snaps them
-- to the 4096 grid. Level and planned progress come from the SQL copy of the rules
-- (parcel_risk_level, proven equal to gis_service.rules.levels by tests/test_levels_sql.py).
-- The envelope is a scalar subquery, built once per statement: in the generic plan of a prepared
-- statement (api/tile_pool.py) ST_TileEnvelope of parameters was built again for every row
-- (issue 10 goal 3: 7 % of the statement's CPU time at z16, the same bytes).
-- The features go in code order, not the plan's: a bitmap scan gives them in table order, a
-- prepared statement's generic plan (an index scan) in the index's, and a strong ETag names
-- one body, whichever path or connection built it (api/tile_fast_path.py).
SELECT ST_AsMVT(t, 'parcels', 4096, 'geom' ORDER BY t.code)
FROM (
    SELECT p.code, p.name, p.category, p.stage, p.progress, p.community,
           p.deadline::text AS deadline, p.completed_on::text AS completed_on,
           parcel_risk_level(p.progress, p.start_date, p.deadline, p.completed_on, :on,
                             :orange_days, :yellow_days, :orange_lag, :yellow_lag) AS level,
           parcel_planned_progress(p.start_date, p.deadline, :on) AS planned_progress,
           ST_AsMVTGeom(ST_Simplify(ST_Transform(p.geom, 3857), :pixel, true),
                        (SELECT ST_TileEnvelope(:z, :x, :y)), 4096, 64, true) AS geom
    FROM {source} AS p
    WHERE {where}
) AS t
-- No `WHERE t.geom IS NOT NULL`: ST_AsMVT skips rows without geometry (the same bytes), and
-- that filter, pushed into the scan, made PostGIS clip every outline twice (issue 10 goal 3:
-- the statement ran 35 % faster without it under pgbench at 8 clients).
