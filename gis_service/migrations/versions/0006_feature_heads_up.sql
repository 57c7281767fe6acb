-- issue 10 goal 1: a GeoJSON page costs what its Features hold, not what building each
-- Feature's text costs. Most of a Feature does not depend on the date of the page: its id, its
-- outline and the properties from code to updated_at. That part, the Feature's "head" (its
-- text up to the last of those properties, the closing braces left open), is written with
-- each state: in parcel_feature for the current parcels, in parcel_state_feature for the
-- states the as-of pages read. A page then splices each head with the fields of its date
-- (as_of, the risk level, planned progress, days left, completed late) and the last change,
-- which stays exact because it is stored per state too (for the current parcels, the latest
-- update event: the current page is read only when no event lies after its date).
-- Triggers keep both right for every writer (API, CLI, row and bulk import, sample loader):
-- parcel and milestone writes refresh a parcel's head, event inserts its last change, and
-- parcel_state's rows get theirs when parcel_state_refold() writes them.

-- The Feature's text up to updated_at, as parcels_features.sql splices it: the same text as
-- the row_to_json of all its properties, without the closing brace. These functions run in
-- every write's triggers: PL/pgSQL, whose statements are planned once a session, where a SQL
-- function's body (not inlinable here) was planned again at each trigger's call (1 ms a write).
CREATE FUNCTION parcel_feature_head(fields parcel_fields, geom geometry, milestones jsonb,
                                    version integer, updated_at timestamptz)
RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
#variable_conflict use_variable
BEGIN
    RETURN '{"type": "Feature", "id": ' || to_json(fields.code)::text
           || ', "geometry": ' || coalesce(ST_AsGeoJSON(geom, 6), 'null')
           || ', "properties": ' || left(row_to_json(properties)::text, -1)
    FROM (SELECT (fields).*, milestones AS milestones, version AS version,
                 to_char(updated_at AT TIME ZONE 'UTC',
                         'YYYY-MM-DD"T"HH24":"MI":"SS.US"+00:00"') AS updated_at) AS properties;
END $$;

-- A parcel's latest update event effective on or before a day, as the page's last_change.
CREATE FUNCTION parcel_last_change(parcel bigint, until date)
RETURNS json LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (SELECT json_build_object('field', e.field, 'effective_date', e.effective_date,
                                     'actor', e.actor)
            FROM parcel_event AS e
            WHERE e.parcel_id = parcel AND e.action = 'update' AND e.effective_date <= until
            ORDER BY e.effective_date DESC, e.id DESC
            LIMIT 1);
END $$;

-- One row a parcel (deleted ones may keep a stale row: parcel_feature_current leaves them out).
CREATE TABLE parcel_feature (
    parcel_id   bigint PRIMARY KEY,
    head        text NOT NULL,
    last_change json
);

-- A parcel's last change is kept by the events' trigger below: a new row starts with it, a
-- refresh of a parcel's fields or milestones leaves it.
CREATE FUNCTION parcel_feature_refresh(parcel_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO parcel_feature (parcel_id, head, last_change)
    SELECT c.id,
           parcel_feature_head(ROW(c.code, c.name, c.category, c.stage, c.progress, c.start_date,
                                   c.deadline, c.completed_on, c.community, c.responsible_unit,
                                   c.responsible_person, c.buildings_total,
                                   c.buildings_demolished, c.households, c.floor_area_m2,
                                   c.vacant_area_m2, c.investment_wan, c.committee_formed_on,
                                   c.intended_tenant, c.contact, c.plan_targets, c.note,
                                   c.illustrative)::parcel_fields,
                               c.geom, c.milestones, c.version, c.updated_at),
           parcel_last_change(c.id, 'infinity')
    FROM parcel_current AS c
    WHERE c.id IN (SELECT unnest(parcel_ids))
    ON CONFLICT (parcel_id) DO UPDATE SET head = excluded.head;
END $$;

CREATE FUNCTION parcel_feature_follow_parcels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM parcel_feature AS f USING removed AS r WHERE f.parcel_id = r.id;
    ELSE
        PERFORM parcel_feature_refresh(array_agg(a.id)) FROM added AS a;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_feature_added AFTER INSERT ON parcel REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_feature_follow_parcels();
CREATE TRIGGER parcel_feature_changed AFTER UPDATE ON parcel REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_feature_follow_parcels();
CREATE TRIGGER parcel_feature_removed AFTER DELETE ON parcel REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_feature_follow_parcels();

CREATE FUNCTION parcel_feature_follow_milestones() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM parcel_feature_refresh(array_agg(a.parcel_id)) FROM added AS a;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM parcel_feature_refresh(array_agg(r.parcel_id)) FROM removed AS r;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER milestone_feature_added AFTER INSERT ON milestone REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_feature_follow_milestones();
CREATE TRIGGER milestone_feature_changed AFTER UPDATE ON milestone
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_feature_follow_milestones();
CREATE TRIGGER milestone_feature_removed AFTER DELETE ON milestone
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_feature_follow_milestones();

CREATE FUNCTION parcel_feature_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE parcel_feature AS f SET last_change = parcel_last_change(f.parcel_id, 'infinity')
    WHERE f.parcel_id IN (SELECT a.parcel_id FROM added AS a WHERE a.action = 'update');
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_feature_last_change AFTER INSERT ON parcel_event
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_feature_follow_events();

SELECT parcel_feature_refresh(array_agg(id)) FROM parcel;
ANALYZE parcel_feature;

-- A live state's head and last change as of its first day: no event of its parcel falls
-- between that day and the next state's (each day with events starts a state), so they hold
-- for every date the state does. In a table of their own, keyed as parcel_state: parcel_state
-- stays narrow for the as-of scans that filter its rows by date and envelope, and a page looks
-- up its own rows' heads only. parcel_state is written by parcel_state_refold() alone, which
-- inserts and deletes states (and moves valid_to, which no head depends on).
CREATE TABLE parcel_state_feature (
    parcel_id   bigint NOT NULL,
    valid_from  date NOT NULL,
    head        text NOT NULL,
    last_change json,
    PRIMARY KEY (parcel_id, valid_from)
);

CREATE FUNCTION parcel_state_feature_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM parcel_state_feature AS f USING removed AS r
        WHERE f.parcel_id = r.parcel_id AND f.valid_from = r.valid_from;
    ELSE
        INSERT INTO parcel_state_feature (parcel_id, valid_from, head, last_change)
        SELECT a.parcel_id, a.valid_from,
               parcel_feature_head(a.fields, a.geom, a.milestones, a.version, a.updated_at),
               parcel_last_change(a.parcel_id, a.valid_from)
        FROM added AS a
        WHERE a.alive;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_state_feature_added AFTER INSERT ON parcel_state
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_state_feature_follow();
CREATE TRIGGER parcel_state_feature_removed AFTER DELETE ON parcel_state
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_state_feature_follow();
-- The refold moves valid_to, which no head depends on; were anything else to change, the
-- state's head follows (a row trigger: transition tables take no column list).
CREATE FUNCTION parcel_state_feature_follow_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM parcel_state_feature
    WHERE parcel_id = OLD.parcel_id AND valid_from = OLD.valid_from;
    IF NEW.alive THEN
        INSERT INTO parcel_state_feature (parcel_id, valid_from, head, last_change)
        VALUES (NEW.parcel_id, NEW.valid_from,
                parcel_feature_head(NEW.fields, NEW.geom, NEW.milestones, NEW.version,
                                    NEW.updated_at),
                parcel_last_change(NEW.parcel_id, NEW.valid_from));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_state_feature_changed
    AFTER UPDATE OF parcel_id, valid_from, alive, fields, geom, milestones, version, updated_at
    ON parcel_state
    FOR EACH ROW EXECUTE FUNCTION parcel_state_feature_follow_row();

INSERT INTO parcel_state_feature (parcel_id, valid_from, head, last_change)
SELECT parcel_id, valid_from, parcel_feature_head(fields, geom, milestones, version, updated_at),
       parcel_last_change(parcel_id, valid_from)
FROM parcel_state
WHERE alive;
ANALYZE parcel_state_feature;
