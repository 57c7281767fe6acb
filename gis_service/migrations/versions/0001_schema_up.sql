-- The service area every stored geometry must lie inside; one row, synced from settings by
-- `gis-service db upgrade` (a CHECK cannot read a table, so a trigger enforces it).
CREATE TABLE service_area (
    id   integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    geom geometry(Polygon, 4326) NOT NULL
);
INSERT INTO service_area (geom) VALUES (ST_MakeEnvelope(122.30, 37.00, 122.65, 37.30, 4326));

CREATE TABLE community (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (name <> ''),
    kind         text NOT NULL DEFAULT 'community'
                 CHECK (kind IN ('community', 'urban_village')),
    illustrative boolean NOT NULL DEFAULT false,
    geom         geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX community_geom_idx ON community USING gist (geom);

CREATE TABLE parcel (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                 text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    name                 text NOT NULL CHECK (name <> ''),
    category             text NOT NULL CHECK (
        category IN ('demolition_area', 'old_compound', 'idle_building', 'key_project')),
    stage                text NOT NULL,
    progress             smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    start_date           date,
    deadline             date,
    completed_on         date,
    community            text REFERENCES community (name) ON UPDATE CASCADE,
    responsible_unit     text,
    responsible_person   text,
    buildings_total      integer CHECK (buildings_total >= 0),
    buildings_demolished integer CHECK (buildings_demolished >= 0),
    households           integer CHECK (households >= 0),
    floor_area_m2        numeric CHECK (floor_area_m2 >= 0),
    vacant_area_m2       numeric CHECK (vacant_area_m2 >= 0),
    investment_wan       numeric CHECK (investment_wan >= 0),
    committee_formed_on  date,
    intended_tenant      text,
    contact              text,
    plan_targets         text[] NOT NULL DEFAULT '{}',
    note                 text,
    illustrative         boolean NOT NULL DEFAULT false,
    geom                 geometry(MultiPolygon, 4326) NOT NULL,
    version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at           timestamptz NOT NULL DEFAULT now(),
    created_by           text NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    updated_by           text NOT NULL,
    deleted_at           timestamptz,
    deleted_by           text,

    CONSTRAINT parcel_stage_of_category CHECK (
        (category = 'demolition_area'
            AND stage IN ('not_started', 'acquiring', 'demolishing', 'cleared'))
        OR (category = 'old_compound'
            AND stage IN ('not_started', 'designing', 'under_construction', 'completed'))
        OR (category = 'idle_building'
            AND stage IN ('idle', 'negotiating', 'signed', 'partly_operating', 'revitalised'))
        OR (category = 'key_project'
            AND stage IN ('preparing', 'under_construction', 'structure_done', 'operating'))),
    -- The last stage of each category means completed, which needs its date.
    CONSTRAINT parcel_completed_has_date CHECK (
        stage NOT IN ('cleared', 'completed', 'revitalised', 'operating')
        OR completed_on IS NOT NULL),
    CONSTRAINT parcel_deadline_after_start CHECK (deadline >= start_date),
    CONSTRAINT parcel_vacant_within_floor CHECK (vacant_area_m2 <= floor_area_m2),
    CONSTRAINT parcel_demolished_within_total CHECK (buildings_demolished <= buildings_total),
    CONSTRAINT parcel_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX parcel_geom_idx ON parcel USING gist (geom);
CREATE INDEX parcel_category_idx ON parcel (category) WHERE deleted_at IS NULL;
CREATE INDEX parcel_deadline_idx ON parcel (deadline);

CREATE FUNCTION parcel_geom_in_service_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM service_area a WHERE ST_CoveredBy(NEW.geom, a.geom)) THEN
        RAISE EXCEPTION 'geometry of parcel % lies outside the service area', NEW.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_geom_in_service_area';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER parcel_geom_in_service_area
    BEFORE INSERT OR UPDATE OF geom ON parcel
    FOR EACH ROW EXECUTE FUNCTION parcel_geom_in_service_area();

CREATE TABLE milestone (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parcel_id bigint NOT NULL REFERENCES parcel (id) ON DELETE CASCADE,
    position  smallint NOT NULL,
    name      text NOT NULL CHECK (name <> ''),
    due_date  date,
    done_on   date,
    UNIQUE (parcel_id, position)
);

CREATE TABLE parcel_event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parcel_id      bigint NOT NULL REFERENCES parcel (id),
    code           text NOT NULL,
    action         text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    field          text,
    old_value      jsonb,
    new_value      jsonb,
    effective_date date NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor          text NOT NULL,
    version        integer NOT NULL,
    CHECK ((action = 'delete') = (field IS NULL))
);
CREATE INDEX parcel_event_parcel_idx ON parcel_event (parcel_id, effective_date, id);
CREATE INDEX parcel_event_effective_idx ON parcel_event (effective_date);
CREATE INDEX parcel_event_code_idx ON parcel_event (code, effective_date, id);

-- History is evidence: once written it is never edited or removed.
CREATE FUNCTION parcel_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'parcel_event is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER parcel_event_append_only
    BEFORE UPDATE OR DELETE ON parcel_event
    FOR EACH ROW EXECUTE FUNCTION parcel_event_append_only();
CREATE TRIGGER parcel_event_no_truncate
    BEFORE TRUNCATE ON parcel_event
    FOR EACH STATEMENT EXECUTE FUNCTION parcel_event_append_only();

CREATE TABLE app_user (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name <> ''),
    role       text NOT NULL CHECK (role IN ('viewer', 'planner', 'investment', 'admin')),
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- The fields of a parcel as events carry them: jsonb_populate_record turns a folded
-- {field: value} object into typed columns with this type.
CREATE TYPE parcel_fields AS (
    code                 text,
    name                 text,
    category             text,
    stage                text,
    progress             smallint,
    start_date           date,
    deadline             date,
    completed_on         date,
    community            text,
    responsible_unit     text,
    responsible_person   text,
    buildings_total      integer,
    buildings_demolished integer,
    households           integer,
    floor_area_m2        numeric,
    vacant_area_m2       numeric,
    investment_wan       numeric,
    committee_formed_on  date,
    intended_tenant      text,
    contact              text,
    plan_targets         text[],
    note                 text,
    illustrative         boolean
);

-- Current state of every live parcel, with the same columns as parcel_as_of().
CREATE VIEW parcel_current AS
SELECT p.id, p.code, p.name, p.category, p.stage, p.progress, p.start_date, p.deadline,
       p.completed_on, p.community, p.responsible_unit, p.responsible_person,
       p.buildings_total, p.buildings_demolished, p.households, p.floor_area_m2,
       p.vacant_area_m2, p.investment_wan, p.committee_formed_on, p.intended_tenant,
       p.contact, p.plan_targets, p.note, p.illustrative, p.geom,
       coalesce((SELECT jsonb_agg(jsonb_build_object('name', m.name,
                                                     'due_date', m.due_date,
                                                     'done_on', m.done_on)
                                  ORDER BY m.position)
                 FROM milestone m WHERE m.parcel_id = p.id), '[]'::jsonb) AS milestones,
       p.version, p.updated_at
FROM parcel p
WHERE p.deleted_at IS NULL;

-- State of every parcel that existed on a date, folded from its events: for each field the
-- value of the latest event effective on or before that date (docs/data-model.md).
CREATE FUNCTION parcel_as_of(as_of date, only_code text DEFAULT NULL)
RETURNS SETOF parcel_current
LANGUAGE sql STABLE AS $$
    WITH visible AS (
        SELECT * FROM parcel_event
        WHERE effective_date <= as_of AND (only_code IS NULL OR code = only_code)
    ),
    alive AS (
        SELECT parcel_id
        FROM (SELECT DISTINCT ON (parcel_id) parcel_id, action
              FROM visible
              WHERE action IN ('create', 'delete')
              ORDER BY parcel_id, effective_date DESC, id DESC) AS life
        WHERE action = 'create'
    ),
    latest AS (
        SELECT DISTINCT ON (parcel_id, field) parcel_id, field, new_value
        FROM visible
        WHERE field IS NOT NULL
        ORDER BY parcel_id, field, effective_date DESC, id DESC
    ),
    folded AS (
        SELECT l.parcel_id, jsonb_object_agg(l.field, l.new_value) AS state
        FROM latest l JOIN alive USING (parcel_id)
        GROUP BY l.parcel_id
    ),
    stamps AS (
        SELECT parcel_id, max(version) AS version, max(recorded_at) AS updated_at
        FROM visible GROUP BY parcel_id
    )
    SELECT f.parcel_id, s.code, s.name, s.category, s.stage, s.progress, s.start_date,
           s.deadline, s.completed_on, s.community, s.responsible_unit, s.responsible_person,
           s.buildings_total, s.buildings_demolished, s.households, s.floor_area_m2,
           s.vacant_area_m2, s.investment_wan, s.committee_formed_on, s.intended_tenant,
           s.contact, s.plan_targets, s.note, s.illustrative,
           ST_SetSRID(ST_GeomFromGeoJSON(f.state -> 'geometry'), 4326)::geometry(MultiPolygon, 4326),
           coalesce(f.state -> 'milestones', '[]'::jsonb),
           st.version, st.updated_at
    FROM folded f
    JOIN stamps st USING (parcel_id)
    CROSS JOIN LATERAL jsonb_populate_record(NULL::parcel_fields, f.state) AS s
$$;
