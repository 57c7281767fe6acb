-- Passwords of people (argon2id, PHC string); NULL for script-only users with a token.
ALTER TABLE app_user ADD COLUMN password_hash text;

-- A signed-in browser: the cookie carries a random token, stored here as its SHA-256 digest.
-- The CSRF token is given to the pages and must come back in X-CSRF-Token on writes.
CREATE TABLE app_session (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE,
    user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX app_session_user_idx ON app_session (user_id);

-- Failed sign-ins, counted per name and per address over a sliding window.
CREATE TABLE signin_failure (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL,
    address    text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX signin_failure_name_idx ON signin_failure (name, failed_at);
CREATE INDEX signin_failure_address_idx ON signin_failure (address, failed_at);

-- Site photos: the image as stored (EXIF stripped) and its thumbnail, both made once.
CREATE TABLE photo (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parcel_id    bigint NOT NULL REFERENCES parcel (id),
    media_type   text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
    image        bytea NOT NULL,
    thumbnail    bytea NOT NULL,
    width        integer NOT NULL CHECK (width > 0),
    height       integer NOT NULL CHECK (height > 0),
    file_name    text,
    taken_at     timestamp,
    added_by     text NOT NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    removed_by   text,
    removed_at   timestamptz,
    CHECK ((removed_at IS NULL) = (removed_by IS NULL))
);
CREATE INDEX photo_parcel_idx ON photo (parcel_id) WHERE removed_at IS NULL;

ALTER TABLE parcel_event DROP CONSTRAINT parcel_event_action_check;
ALTER TABLE parcel_event ADD CONSTRAINT parcel_event_action_check
    CHECK (action IN ('create', 'update', 'delete', 'photo_added', 'photo_removed'));
