-- Parcels of a source relation (the current view, or the fold as of a date), filtered.
-- Every filter is optional: a NULL parameter switches it off. {geometry} is the GeoJSON of
-- the outline, or NULL when the caller needs only the facts (KPIs).
SELECT p.id, p.code, p.name, p.category, p.stage, p.progress, p.start_date, p.deadline,
       p.completed_on, p.community, p.responsible_unit, p.responsible_person,
       p.buildings_total, p.buildings_demolished, p.households, p.floor_area_m2,
       p.vacant_area_m2, p.investment_wan, p.committee_formed_on, p.intended_tenant,
       p.contact, p.plan_targets, p.note, p.illustrative, p.milestones, p.version,
       p.updated_at,
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
