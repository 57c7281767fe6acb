-- The rules of the parcel table a staged row can break, from the catalogue: each CHECK
-- constraint (its expression and the columns it reads) and each NOT NULL column that has no
-- default. gis_service.repo.bulk_import turns them into the refusals of bulk_refusals.sql.
SELECT c.conname AS name, substring(pg_get_constraintdef(c.oid) FROM 7) AS expression,
       ARRAY(SELECT a.attname::text FROM pg_attribute AS a
             WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             ORDER BY a.attnum) AS columns
FROM pg_constraint AS c
WHERE c.conrelid = CAST('parcel' AS regclass) AND c.contype = 'c'
UNION ALL
SELECT a.attname::text, format('%I IS NOT NULL', a.attname), ARRAY[a.attname::text]
FROM pg_attribute AS a
WHERE a.attrelid = CAST('parcel' AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attnotnull AND NOT a.atthasdef AND a.attidentity = ''
ORDER BY 1
