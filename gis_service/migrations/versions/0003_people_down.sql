-- History is append-only; going back below this revision is the one sanctioned removal.
ALTER TABLE parcel_event DISABLE TRIGGER parcel_event_append_only;
DELETE FROM parcel_event WHERE action IN ('photo_added', 'photo_removed');
ALTER TABLE parcel_event ENABLE TRIGGER parcel_event_append_only;
ALTER TABLE parcel_event DROP CONSTRAINT parcel_event_action_check;
ALTER TABLE parcel_event ADD CONSTRAINT parcel_event_action_check
    CHECK (action IN ('create', 'update', 'delete'));
DROP TABLE photo;
DROP TABLE signin_failure;
DROP TABLE app_session;
ALTER TABLE app_user DROP COLUMN password_hash;
