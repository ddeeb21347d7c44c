-- Vi (Datature) dialect: the resources that exist only in Vi's view of the store.
-- Datasets, assets and annotations are the core tables; these rows hold the Vi
-- async sessions (asset ingestion, annotation import), exports, bulk asset
-- deletions and dataset deletion records. Every row carries workspace_id, so
-- isolation and purge are one indexed WHERE clause. dataset_id has no foreign key
-- on purpose: a session or export outlives its dataset long enough to report that
-- the dataset went away.

-- Asset ingestion sessions (spec 7.7, 10). The Finished condition is stored; the
-- progress counts are derived from vi_asset_files.
CREATE TABLE vi_asset_sessions (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id       TEXT NOT NULL,
    failure_mode     TEXT NOT NULL,
    on_overwritten   TEXT NOT NULL,
    spec_kind        TEXT NOT NULL DEFAULT 'Upload',
    finished         TEXT NOT NULL DEFAULT 'Waiting'
                     CHECK (finished IN ('Waiting','Reached','FailedReach')),
    finished_at      INTEGER,
    message          TEXT,
    events           TEXT NOT NULL DEFAULT '[]',   -- JSON array of Error events
    last_activity    INTEGER NOT NULL,             -- idle timeout counts from here
    generation       INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX vi_asset_sessions_ws ON vi_asset_sessions(workspace_id);

-- One row per announced file of an ingestion session, in announcement order.
CREATE TABLE vi_asset_files (
    session_id       TEXT NOT NULL REFERENCES vi_asset_sessions(id) ON DELETE CASCADE,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    filename         TEXT NOT NULL,
    mime             TEXT NOT NULL,
    kind             TEXT NOT NULL DEFAULT 'Image',
    size             INTEGER NOT NULL,
    crc32c           INTEGER,                      -- as sent: signed 32-bit
    custom_metadata  TEXT,                         -- JSON object or NULL
    token            TEXT NOT NULL,                -- the PUT transfer
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','done','error')),
    error_code       TEXT,
    asset_id         TEXT,
    PRIMARY KEY (session_id, position)
);
CREATE INDEX vi_asset_files_ws ON vi_asset_files(workspace_id);

-- Annotation import sessions (spec 7.9, 8, 9). Files are transfers with purpose
-- 'vi.import' and owner_ref = the session id.
CREATE TABLE vi_import_sessions (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id       TEXT NOT NULL,
    upload_before    INTEGER NOT NULL,
    on_bad_annotation TEXT NOT NULL,
    on_bad_file      TEXT NOT NULL,
    on_overwritten   TEXT NOT NULL,
    attributes       TEXT NOT NULL DEFAULT '{}',   -- metadata.attributes, JSON
    inserted         TEXT NOT NULL DEFAULT 'Waiting'
                     CHECK (inserted IN ('Waiting','Reached','FailedReach')),
    inserted_reason  TEXT,                         -- CancelledByUser | UserUploadErrored | NULL
    inserted_at      INTEGER NOT NULL,
    complete         TEXT CHECK (complete IN ('Waiting','Reached','FailedReach')),  -- NULL: not yet appended
    complete_at      INTEGER,
    reason           TEXT,                         -- status.reason
    files_uploaded   INTEGER NOT NULL DEFAULT 0,
    files_imported   INTEGER NOT NULL DEFAULT 0,
    files_rejected   INTEGER NOT NULL DEFAULT 0,
    lines_imported   INTEGER NOT NULL DEFAULT 0,
    lines_rejected   INTEGER NOT NULL DEFAULT 0,
    total_bytes      INTEGER NOT NULL DEFAULT 0,
    page_count       INTEGER NOT NULL DEFAULT 0,
    generation       INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX vi_import_sessions_ws ON vi_import_sessions(workspace_id);

-- Explicit JSONL line ids ("whole" ids) already imported into a dataset, so a
-- later line with the same id is recognised as an overwrite. Generated ids are
-- never recorded: they cannot collide.
CREATE TABLE vi_wholes (
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id       TEXT NOT NULL,
    whole_id         TEXT NOT NULL,
    asset_id         TEXT NOT NULL,
    PRIMARY KEY (workspace_id, dataset_id, whole_id)
);

-- Dataset exports and annotation-only exports (spec 7.4, 13.1). The archive is a
-- GET transfer (token) whose blob is the ZIP.
CREATE TABLE vi_exports (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id       TEXT NOT NULL,
    resource         TEXT NOT NULL CHECK (resource IN ('dataset','annotation')),
    format           TEXT NOT NULL,
    normalized       INTEGER NOT NULL,
    split_ratio      REAL,
    state            TEXT NOT NULL DEFAULT 'Waiting' CHECK (state IN ('Waiting','Reached','FailedReach')),
    message          TEXT,
    token            TEXT,
    expires_at       INTEGER,
    generation       INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX vi_exports_ws ON vi_exports(workspace_id, dataset_id, resource);

-- Bulk asset deletion sessions (spec 7.5).
CREATE TABLE vi_bulk_deletions (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id       TEXT NOT NULL,
    spec             TEXT NOT NULL,                -- JSON echo
    state            TEXT NOT NULL DEFAULT 'Waiting' CHECK (state IN ('Waiting','Reached','FailedReach')),
    deleted          INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX vi_bulk_deletions_ws ON vi_bulk_deletions(workspace_id);

-- Datasets deleted through Vi, for GET .../deleteOperation after the fact.
CREATE TABLE vi_deleted_datasets (
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id       TEXT NOT NULL,
    deleted_at       INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, dataset_id)
);
