-- The fields the KPI rules read (gis_service.rules.kpis.KPI_FIELDS) of the parcels counting
-- towards one of the KPIs' plan targets, current or as of a date: the KPIs' own read, narrow so
-- that a cold /api/kpis at city scale is not 100,000 whole rows twice (issue 10 goal 6).
-- Filled in by gis_service.repo.kpi_facts:
--   <columns>   KPI_FIELDS as p.<field>
--   <source>    parcel_current, or parcel_as_of(...) for a past date
SELECT {columns}
FROM {source} AS p
WHERE p.plan_targets && CAST(:targets AS text[])
ORDER BY p.code
