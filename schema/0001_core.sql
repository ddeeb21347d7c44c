-- Core, dialect-neutral tables. Every row that belongs to a tenant carries
-- workspace_id so isolation is one WHERE clause and purge is one index scan.

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    deleted_at  INTEGER               -- set on DELETE; the purge job removes the rows
);

-- One key per dialect per workspace. org_id is the Vi organization id.
CREATE TABLE api_keys (
    secret       TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dialect      TEXT NOT NULL CHECK (dialect IN ('vi','pictograph','ximilar','labelbox')),
    org_id       TEXT,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, dialect)
);
CREATE UNIQUE INDEX api_keys_org ON api_keys(org_id) WHERE org_id IS NOT NULL;

-- Content-addressed bytes: one row per distinct content, shared by every asset.
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    crc32c      INTEGER NOT NULL,
    md5         TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE datasets (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL DEFAULT 'phrase-grounding',
    description  TEXT NOT NULL DEFAULT '',
    attrs        TEXT NOT NULL DEFAULT '{}',   -- dialect-specific extras, JSON
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE INDEX datasets_ws ON datasets(workspace_id);

-- An asset belongs to a workspace and usually to a dataset; Ximilar training
-- images live at workspace level (dataset_id NULL). Every table that points at a
-- blob does so through assets or transfers, which is what blob GC checks.
CREATE TABLE assets (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id   TEXT REFERENCES datasets(id) ON DELETE CASCADE,
    directory    TEXT NOT NULL DEFAULT '/',
    filename     TEXT NOT NULL,
    blob_sha256  TEXT NOT NULL REFERENCES blobs(sha256),
    mime         TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'new',
    split        TEXT,
    attrs        TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (dataset_id, directory, filename)
);
CREATE INDEX assets_ws ON assets(workspace_id);
CREATE INDEX assets_blob ON assets(blob_sha256);

-- Dialect-neutral annotations. geometry is JSON in pixel coordinates:
--   bbox {"x","y","w","h"}; polygon/polyline {"points":[[x,y],...]};
--   point {"x","y"}; mask {"rle":...,"width","height"}; classification/text: {}.
CREATE TABLE annotations (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id   TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    asset_id     TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('bbox','polygon','polyline','point','mask','classification','text')),
    label        TEXT NOT NULL DEFAULT '',
    geometry     TEXT NOT NULL DEFAULT '{}',
    text         TEXT,
    confidence   REAL,
    source       TEXT NOT NULL DEFAULT 'human',
    attrs        TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX annotations_asset ON annotations(asset_id);
CREATE INDEX annotations_ws ON annotations(workspace_id);
CREATE INDEX annotations_dataset ON annotations(dataset_id);

-- Durable async work. state moves only along the transitions in store_jobs.c.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT,                 -- NULL for store-wide jobs
    type         TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled')),
    payload      TEXT NOT NULL DEFAULT '{}',
    result       TEXT,
    error        TEXT,
    progress     INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,  -- claims, including resumptions after a crash
    run_at       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(state, run_at);
CREATE INDEX jobs_ws ON jobs(workspace_id);

-- Server-issued transfer URLs (/_blob/<dialect>/<token>). The token is the credential.
CREATE TABLE transfers (
    token           TEXT PRIMARY KEY,
    workspace_id    TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
    dialect         TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('put','get')),
    filename        TEXT NOT NULL DEFAULT '',
    content_type    TEXT NOT NULL DEFAULT 'application/octet-stream',
    max_bytes       INTEGER NOT NULL,
    expected_size   INTEGER,
    expected_crc32c INTEGER,             -- unsigned 32-bit value
    expected_md5    TEXT,                -- hex
    blob_sha256     TEXT REFERENCES blobs(sha256),  -- bytes received (put) or served (get)
    check_result    TEXT,                -- put: 'ok' | 'bad_size' | 'bad_checksum'
    purpose         TEXT NOT NULL DEFAULT '',       -- owner's tag, e.g. 'vi.asset'
    owner_ref       TEXT NOT NULL DEFAULT '',       -- owner's id, e.g. a session id
    expires_at      INTEGER NOT NULL,
    completed_at    INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX transfers_owner ON transfers(purpose, owner_ref);
CREATE INDEX transfers_ws ON transfers(workspace_id);
