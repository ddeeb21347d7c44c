-- Labelbox dialect, plus the control plane's remote files (DESIGN.md).
-- Labelbox datasets are core datasets and its data rows are core assets; the
-- tables below hold only what exists in Labelbox alone. Every tenant row carries
-- workspace_id; ids are cuid-like strings ("c" + 24 lower-case hex digits).

-- Bytes the server serves in place of an outside URL it would otherwise fetch
-- (row data, mask instanceURI, import file URLs). Store-wide, not per tenant.
CREATE TABLE remote_files (
    url           TEXT PRIMARY KEY,
    content_type  TEXT NOT NULL,
    blob_sha256   TEXT NOT NULL REFERENCES blobs(sha256),
    created_at    INTEGER NOT NULL
);
CREATE INDEX remote_files_blob ON remote_files(blob_sha256);

-- Server-side tasks: data-row upserts ('adv-upsert-data-rows') and asynchronous
-- batch fills ('add-data-rows-to-batch'). A task is advanced by a job
-- (labelbox.ingest); chunks_done is its resumable position in the manifest.
CREATE TABLE labelbox_tasks (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('IN_PROGRESS','COMPLETE','FAILED')),
    manifest_url  TEXT NOT NULL DEFAULT '',
    chunks_done   INTEGER NOT NULL DEFAULT 0,
    progress      REAL NOT NULL DEFAULT 0,
    result        TEXT,                       -- JSON value or NULL
    errors        TEXT,                       -- JSON value or NULL
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX labelbox_tasks_ws ON labelbox_tasks(workspace_id, status);

-- Rows a data-row task could not create, in input order.
CREATE TABLE labelbox_task_failures (
    task_id       TEXT NOT NULL REFERENCES labelbox_tasks(id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    message       TEXT NOT NULL,
    spec          TEXT NOT NULL,              -- JSON {externalId, globalKey, rowData, metadata, attachments}
    PRIMARY KEY (task_id, seq)
);
CREATE INDEX labelbox_task_failures_ws ON labelbox_task_failures(workspace_id);

-- A data row is a core asset plus these Labelbox fields. Global keys are unique
-- per workspace (the vendor's organisation); NULL keys never collide.
CREATE TABLE labelbox_data_rows (
    asset_id      TEXT PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id    TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    global_key    TEXT,
    external_id   TEXT,
    row_data      TEXT NOT NULL,              -- the URL as given
    media_type    TEXT,
    task_id       TEXT REFERENCES labelbox_tasks(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (workspace_id, global_key)
);
CREATE INDEX labelbox_data_rows_task ON labelbox_data_rows(task_id);
CREATE INDEX labelbox_data_rows_dataset ON labelbox_data_rows(dataset_id);

-- Ontologies: normalized is the JSON object with every id filled in.
CREATE TABLE labelbox_ontologies (
    id                   TEXT PRIMARY KEY,
    workspace_id         TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    media_type           TEXT,
    normalized           TEXT NOT NULL,
    tool_count           INTEGER NOT NULL,
    classification_count INTEGER NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX labelbox_ontologies_ws ON labelbox_ontologies(workspace_id);

CREATE TABLE labelbox_projects (
    id                          TEXT PRIMARY KEY,
    workspace_id                TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name                        TEXT NOT NULL,
    description                 TEXT NOT NULL DEFAULT '',
    media_type                  TEXT,
    editor_task_type            TEXT,
    ontology_id                 TEXT REFERENCES labelbox_ontologies(id) ON DELETE SET NULL,
    frontend_id                 TEXT,
    frontend_options_id         TEXT,
    frontend_options            TEXT,
    setup_complete              INTEGER,      -- ms, or NULL
    auto_audit_percentage       REAL,
    auto_audit_number_of_labels INTEGER,
    is_benchmark_enabled        INTEGER NOT NULL DEFAULT 0,
    is_consensus_enabled        INTEGER NOT NULL DEFAULT 0,
    last_activity_time          INTEGER,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
);
CREATE INDEX labelbox_projects_ws ON labelbox_projects(workspace_id);

CREATE TABLE labelbox_batches (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    project_id          TEXT NOT NULL REFERENCES labelbox_projects(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    priority            INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    consensus_settings  TEXT,                 -- JSON or NULL
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (project_id, name)
);
CREATE INDEX labelbox_batches_ws ON labelbox_batches(workspace_id);

-- Which data rows a project holds, and through which batch.
CREATE TABLE labelbox_project_rows (
    project_id    TEXT NOT NULL REFERENCES labelbox_projects(id) ON DELETE CASCADE,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    batch_id      TEXT NOT NULL REFERENCES labelbox_batches(id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (project_id, asset_id)
);
CREATE INDEX labelbox_project_rows_batch ON labelbox_project_rows(batch_id);
CREATE INDEX labelbox_project_rows_ws ON labelbox_project_rows(workspace_id);

-- Annotation imports (MAL pre-labels and ground-truth labels). The input, status
-- and error files are server-issued transfer URLs (tokens); a URL import keeps
-- the URL it was given in source_url until the job fetches it.
CREATE TABLE labelbox_imports (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    project_id    TEXT NOT NULL REFERENCES labelbox_projects(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('mal','label')),
    state         TEXT NOT NULL CHECK (state IN ('RUNNING','FINISHED','FAILED')),
    source_url    TEXT,
    input_token   TEXT,
    status_token  TEXT,
    error_token   TEXT,
    line_count    INTEGER NOT NULL DEFAULT 0,
    failure_count INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (project_id, name)
);
CREATE INDEX labelbox_imports_ws ON labelbox_imports(workspace_id);

-- What each accepted import line created: the core annotations whose ids lie in
-- [first_annotation, last_annotation] on asset_id (an import names them with
-- sequential UUIDs, so one line's annotations form one id range). A later MAL
-- import with the same uuid, or a later ground-truth import for the same data
-- row, replaces them. One row per line with an integer key keeps a 100,000-line
-- import cheap; there is deliberately no foreign key to annotations or assets:
-- rows whose annotations went away through another dialect simply match nothing.
CREATE TABLE labelbox_annotations (
    id               INTEGER PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    project_id       TEXT NOT NULL REFERENCES labelbox_projects(id) ON DELETE CASCADE,
    import_id        TEXT NOT NULL,
    asset_id         TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('mal','label')),
    uuid             TEXT NOT NULL,
    schema_id        TEXT NOT NULL,
    benchmark        INTEGER NOT NULL DEFAULT 0,
    first_annotation TEXT NOT NULL,
    last_annotation  TEXT NOT NULL
);
CREATE INDEX labelbox_annotations_uuid ON labelbox_annotations(project_id, kind, uuid);
CREATE INDEX labelbox_annotations_asset ON labelbox_annotations(project_id, kind, asset_id);
CREATE INDEX labelbox_annotations_ws ON labelbox_annotations(workspace_id);

-- Relationships between two annotations of one MAL import (no core kind).
CREATE TABLE labelbox_relationships (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    project_id    TEXT NOT NULL REFERENCES labelbox_projects(id) ON DELETE CASCADE,
    import_id     TEXT NOT NULL REFERENCES labelbox_imports(id) ON DELETE CASCADE,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    uuid          TEXT NOT NULL,
    name          TEXT NOT NULL,
    schema_id     TEXT NOT NULL,
    source_uuid   TEXT NOT NULL,
    target_uuid   TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('unidirectional','bidirectional')),
    created_at    INTEGER NOT NULL
);
CREATE INDEX labelbox_relationships_uuid ON labelbox_relationships(project_id, uuid);
CREATE INDEX labelbox_relationships_asset ON labelbox_relationships(asset_id);
CREATE INDEX labelbox_relationships_import ON labelbox_relationships(import_id);
CREATE INDEX labelbox_relationships_ws ON labelbox_relationships(workspace_id);
