-- The data's stamp (gis_service.repo.parcel_reads.DataStamp): the newest event's id, which
-- every write raises, and the latest effective date of any change. Two index lookups.
SELECT coalesce(max(id), 0) AS version, max(effective_date) AS last_change
FROM parcel_event
