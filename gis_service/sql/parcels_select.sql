-- Parcels of a source relation (the current view, or the fold as of a date), filtered.
-- Every filter is optional: a NULL parameter switches it off. {geometry} is the GeoJSON of
-- the outline, or NULL when the caller needs only the facts (KPIs); {columns} are the source's
-- columns from the field table (gis_service.parcels.fields), never a second hand-written list.
SELECT {columns},
       {geometry} AS geometry
FROM {source} AS p
WHERE (CAST(:category AS text) IS NULL OR p.category = :category)
  AND (CAST(:stage AS text) IS NULL OR p.stage = :stage)
  AND (CAST(:community AS text) IS NULL OR p.community = :community)
  AND (CAST(:code AS text) IS NULL OR p.code = :code)
  AND (CAST(:q AS text) IS NULL
       OR strpos(lower(p.name), lower(:q)) > 0
       OR strpos(lower(p.code), lower(:q)) > 0
       OR strpos(lower(coalesce(p.note, '')), lower(:q)) > 0)
  AND (CAST(:deadline_from AS date) IS NULL OR p.deadline >= :deadline_from)
  AND (CAST(:deadline_to AS date) IS NULL OR p.deadline <= :deadline_to)
  AND (CAST(:minlon AS float8) IS NULL
       OR p.geom && ST_MakeEnvelope(:minlon, :minlat, :maxlon, :maxlat, 4326))
ORDER BY p.code
