-- Back to revision 0005: the pages build every Feature's text again on each read.
DROP TRIGGER IF EXISTS parcel_state_feature_head ON parcel_state;
DROP FUNCTION IF EXISTS parcel_state_feature_head();
ALTER TABLE parcel_state DROP COLUMN IF EXISTS head, DROP COLUMN IF EXISTS last_change;
DROP TRIGGER IF EXISTS parcel_feature_last_change ON parcel_event;
DROP FUNCTION IF EXISTS parcel_feature_follow_events();
DROP TRIGGER IF EXISTS milestone_feature_added ON milestone;
DROP TRIGGER IF EXISTS milestone_feature_changed ON milestone;
DROP TRIGGER IF EXISTS milestone_feature_removed ON milestone;
DROP FUNCTION IF EXISTS parcel_feature_follow_milestones();
DROP TRIGGER IF EXISTS parcel_feature_added ON parcel;
DROP TRIGGER IF EXISTS parcel_feature_changed ON parcel;
DROP TRIGGER IF EXISTS parcel_feature_removed ON parcel;
DROP FUNCTION IF EXISTS parcel_feature_follow_parcels();
DROP FUNCTION IF EXISTS parcel_feature_refresh(bigint[]);
DROP TABLE IF EXISTS parcel_feature;
DROP FUNCTION IF EXISTS parcel_last_change(bigint, date);
DROP FUNCTION IF EXISTS parcel_feature_head(parcel_fields, geometry, jsonb, integer, timestamptz);
