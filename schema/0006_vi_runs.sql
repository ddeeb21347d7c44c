-- Trained models and Vi runs (spec vi.md §7.10, §11.3, §13.4).
--
-- predict_models / predict_memory are dialect-neutral (core/store_models.c):
-- a model is what a training run produced, and its memory is one row per
-- training image — the image's perceptual signature (core/phash.h) and what
-- its annotations said (JSON, core/predict.h). The OpenAI-compatible /v1
-- surface and Vi's predictions both read them. vi_runs holds the Vi view of
-- the training run that made the model: its flow, conditions, log and the
-- model archive (dialects/vi/store_vi_runs.c). A run and its model share one
-- id. Every row carries workspace_id, so isolation and purge are one indexed
-- WHERE clause.

CREATE TABLE predict_models (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    task          TEXT NOT NULL CHECK (task IN ('generic','vqa','phrase-grounding')),
    system_prompt TEXT NOT NULL DEFAULT '',
    dataset_id    TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL DEFAULT 'training' CHECK (state IN ('training','ready','failed')),
    items         INTEGER NOT NULL DEFAULT 0,     -- memorised images once ready
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX predict_models_ws ON predict_models(workspace_id);

-- One memorised training image. asset_id is not a foreign key: the model keeps
-- what it learned when the dataset later changes, as a trained model would.
CREATE TABLE predict_memory (
    model_id      TEXT NOT NULL REFERENCES predict_models(id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    asset_id      TEXT NOT NULL,
    position      INTEGER NOT NULL,               -- the asset's place in the dataset
    filename      TEXT NOT NULL,
    signature     TEXT NOT NULL,                  -- phash text form
    memory        TEXT NOT NULL,                  -- JSON (predict_memory_*)
    PRIMARY KEY (model_id, asset_id)
);
CREATE INDEX predict_memory_ws ON predict_memory(workspace_id);

CREATE TABLE vi_runs (
    id              TEXT PRIMARY KEY,             -- = predict_models.id
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id      TEXT NOT NULL,
    output_id       TEXT NOT NULL,                -- the model output's runOutputId
    flow            TEXT NOT NULL,                -- FlowSpec JSON
    training_project TEXT,                        -- spec.trainingProject echo
    attributes      TEXT NOT NULL DEFAULT '{}',   -- metadata.attributes
    trained         TEXT NOT NULL DEFAULT 'Waiting'
                    CHECK (trained IN ('Waiting','Reached','FailedReach')),
    trained_at      INTEGER,
    message         TEXT,
    log             TEXT NOT NULL DEFAULT '',
    archive_sha256  TEXT,                         -- model archive (tar) blob
    archive_bytes   INTEGER,
    token           TEXT,                         -- its current GET transfer
    token_expires   INTEGER,
    generation      INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX vi_runs_ws ON vi_runs(workspace_id, created_at);
