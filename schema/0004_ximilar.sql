-- Ximilar dialect: training images (on top of core assets), recognition labels,
-- tasks and models, detection labels and objects, and the VLM v2 resources
-- (prompts, tasks, datasets, variables, samples, trained model versions).
-- Every row carries workspace_id so isolation is one WHERE clause and the purge
-- job can remove a workspace in bounded batches (children listed first in
-- core/store_workspaces.c). Child tables index (workspace_id, parent): a bare
-- workspace_id index would tempt the planner into scanning the whole workspace
-- for a per-parent lookup.

-- A Ximilar view of a core asset. img_token / thumb_token are 'get' transfers
-- (never expiring) that serve the image and a real PNG thumbnail without auth.
-- phash is a 64-bit difference hash of the pixels (stored as a signed integer).
CREATE TABLE xim_images (
    id           TEXT PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    img_token    TEXT NOT NULL,
    thumb_token  TEXT NOT NULL,
    phash        INTEGER NOT NULL,
    meta_data    TEXT NOT NULL DEFAULT '{}',
    test_image   INTEGER NOT NULL DEFAULT 0,
    real         INTEGER NOT NULL DEFAULT 1,
    verify_count INTEGER NOT NULL DEFAULT 0,
    noresize     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX xim_images_ws ON xim_images(workspace_id);

-- Recognition labels and the images that carry them.
CREATE TABLE xim_labels (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('category','tag')),
    description  TEXT,
    output_name  TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX xim_labels_ws ON xim_labels(workspace_id);

CREATE TABLE xim_image_labels (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    image_id     TEXT NOT NULL REFERENCES xim_images(id) ON DELETE CASCADE,
    label_id     TEXT NOT NULL REFERENCES xim_labels(id) ON DELETE CASCADE,
    value        TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (image_id, label_id)
);
CREATE INDEX xim_image_labels_label ON xim_image_labels(label_id);
CREATE INDEX xim_image_labels_ws ON xim_image_labels(workspace_id, image_id);

-- Recognition (classification) tasks, their labels and trained versions.
CREATE TABLE xim_rtasks (
    id                 TEXT PRIMARY KEY,
    workspace_id       TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    type               TEXT NOT NULL CHECK (type IN ('multi_class','multi_label')),
    description        TEXT,
    production_version INTEGER,
    last_train_status  TEXT,
    last_train_error   TEXT,
    created_at         INTEGER NOT NULL
);
CREATE INDEX xim_rtasks_ws ON xim_rtasks(workspace_id);

CREATE TABLE xim_rtask_labels (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    task_id      TEXT NOT NULL REFERENCES xim_rtasks(id) ON DELETE CASCADE,
    label_id     TEXT NOT NULL REFERENCES xim_labels(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (task_id, label_id)
);
CREATE INDEX xim_rtask_labels_label ON xim_rtask_labels(label_id);
CREATE INDEX xim_rtask_labels_ws ON xim_rtask_labels(workspace_id, task_id);

CREATE TABLE xim_rmodels (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    task_id      TEXT NOT NULL REFERENCES xim_rtasks(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    train_status TEXT NOT NULL CHECK (train_status IN ('IN_QUEUE','TRAINING','TRAINED','FAILED')),
    images_count INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER,
    UNIQUE (task_id, version)
);
CREATE INDEX xim_rmodels_ws ON xim_rmodels(workspace_id);

-- What a recognition model memorised: image hash -> its labels (JSON array).
CREATE TABLE xim_rmodel_memory (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model_id     TEXT NOT NULL REFERENCES xim_rmodels(id) ON DELETE CASCADE,
    image_id     TEXT NOT NULL,
    phash        INTEGER NOT NULL,
    labels       TEXT NOT NULL
);
CREATE INDEX xim_rmodel_memory_model ON xim_rmodel_memory(model_id);
CREATE INDEX xim_rmodel_memory_ws ON xim_rmodel_memory(workspace_id, model_id);

-- Detection labels and objects (pixel boxes on training images).
CREATE TABLE xim_dlabels (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT,
    color        TEXT NOT NULL,
    output_name  TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX xim_dlabels_ws ON xim_dlabels(workspace_id);

-- crop_token: a 'get' transfer serving the box's crop as PNG (sample-objects thumb_url).
CREATE TABLE xim_dobjects (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    label_id     TEXT NOT NULL REFERENCES xim_dlabels(id) ON DELETE CASCADE,
    image_id     TEXT NOT NULL REFERENCES xim_images(id) ON DELETE CASCADE,
    xmin         INTEGER NOT NULL,
    ymin         INTEGER NOT NULL,
    xmax         INTEGER NOT NULL,
    ymax         INTEGER NOT NULL,
    meta_data    TEXT,
    crop_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    CHECK (xmin < xmax AND ymin < ymax)
);
CREATE INDEX xim_dobjects_ws ON xim_dobjects(workspace_id, image_id);
CREATE INDEX xim_dobjects_image ON xim_dobjects(image_id);
CREATE INDEX xim_dobjects_label ON xim_dobjects(label_id);

-- VLM prompts: shared, referenced by id; deleting one nulls every reference.
CREATE TABLE xim_prompts (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('system','user','template')),
    description  TEXT,
    content      TEXT,
    format       TEXT CHECK (format IS NULL OR format IN ('json','yaml','xml','csv')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX xim_prompts_ws ON xim_prompts(workspace_id);

CREATE TABLE xim_vlm_datasets (
    id                      TEXT PRIMARY KEY,
    workspace_id            TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    description             TEXT,
    format                  TEXT CHECK (format IS NULL OR format IN ('json','yaml','xml','csv')),
    system_prompt_id        TEXT REFERENCES xim_prompts(id) ON DELETE SET NULL,
    user_prompt_id          TEXT REFERENCES xim_prompts(id) ON DELETE SET NULL,
    result_template_id      TEXT REFERENCES xim_prompts(id) ON DELETE SET NULL,
    default_input_meta_data TEXT NOT NULL DEFAULT '{}',
    meta_data               TEXT NOT NULL DEFAULT '{}',
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);
CREATE INDEX xim_vlm_datasets_ws ON xim_vlm_datasets(workspace_id);

CREATE TABLE xim_vlm_tasks (
    id                 TEXT PRIMARY KEY,
    workspace_id       TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    description        TEXT,
    auto_deploy        INTEGER NOT NULL DEFAULT 0,
    production_version INTEGER NOT NULL DEFAULT 0,
    last_version       INTEGER NOT NULL DEFAULT 0,
    max_tokens         INTEGER NOT NULL DEFAULT 1000,
    training_params    TEXT NOT NULL DEFAULT '{}',
    training_time      INTEGER NOT NULL DEFAULT 0,
    system_prompt_id   TEXT REFERENCES xim_prompts(id) ON DELETE SET NULL,
    user_prompt_id     TEXT REFERENCES xim_prompts(id) ON DELETE SET NULL,
    last_train_status  TEXT CHECK (last_train_status IS NULL OR
                                   last_train_status IN ('IN_QUEUE','TRAINING','TRAINED','FAILED')),
    last_train_error   TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX xim_vlm_tasks_ws ON xim_vlm_tasks(workspace_id);

CREATE TABLE xim_vlm_task_datasets (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    task_id      TEXT NOT NULL REFERENCES xim_vlm_tasks(id) ON DELETE CASCADE,
    dataset_id   TEXT NOT NULL REFERENCES xim_vlm_datasets(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (task_id, dataset_id)
);
CREATE INDEX xim_vlm_task_datasets_dataset ON xim_vlm_task_datasets(dataset_id);
CREATE INDEX xim_vlm_task_datasets_ws ON xim_vlm_task_datasets(workspace_id, task_id);

-- default_value: JSON text of the value, NULL when there is none.
CREATE TABLE xim_vlm_variables (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id    TEXT NOT NULL REFERENCES xim_vlm_datasets(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('string','integer','float','boolean','array','object')),
    required      INTEGER NOT NULL DEFAULT 0,
    description   TEXT,
    choices       TEXT,
    min_value     REAL,
    max_value     REAL,
    step_size     REAL,
    min_length    INTEGER,
    max_length    INTEGER,
    default_value TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (dataset_id, name)
);
CREATE INDEX xim_vlm_variables_ws ON xim_vlm_variables(workspace_id, dataset_id);

-- result_template / user_prompt: the sample's own text, NULL = the dataset's.
CREATE TABLE xim_vlm_samples (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id      TEXT NOT NULL REFERENCES xim_vlm_datasets(id) ON DELETE CASCADE,
    name            TEXT,
    description     TEXT,
    test            INTEGER NOT NULL DEFAULT 0,
    type            TEXT NOT NULL DEFAULT 'multi_random' CHECK (type IN ('single','multi_random','multi_ordered')),
    result_template TEXT,
    user_prompt     TEXT,
    input_meta_data TEXT NOT NULL DEFAULT '{}',
    meta_data       TEXT NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX xim_vlm_samples_ws ON xim_vlm_samples(workspace_id);
CREATE INDEX xim_vlm_samples_ws_dataset ON xim_vlm_samples(workspace_id, dataset_id);
CREATE INDEX xim_vlm_samples_dataset ON xim_vlm_samples(dataset_id);

CREATE TABLE xim_vlm_sample_images (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    sample_id    TEXT NOT NULL REFERENCES xim_vlm_samples(id) ON DELETE CASCADE,
    image_id     TEXT NOT NULL REFERENCES xim_images(id) ON DELETE CASCADE,
    text         TEXT,
    ord          INTEGER NOT NULL,
    resize       TEXT,
    meta_data    TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    UNIQUE (sample_id, image_id)
);
CREATE INDEX xim_vlm_sample_images_image ON xim_vlm_sample_images(image_id);
CREATE INDEX xim_vlm_sample_images_ws ON xim_vlm_sample_images(workspace_id, sample_id, ord);

CREATE TABLE xim_vlm_sample_objects (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    sample_id    TEXT NOT NULL REFERENCES xim_vlm_samples(id) ON DELETE CASCADE,
    object_id    TEXT NOT NULL REFERENCES xim_dobjects(id) ON DELETE CASCADE,
    text         TEXT,
    ord          INTEGER NOT NULL,
    meta_data    TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    UNIQUE (sample_id, object_id)
);
CREATE INDEX xim_vlm_sample_objects_object ON xim_vlm_sample_objects(object_id);
CREATE INDEX xim_vlm_sample_objects_ws ON xim_vlm_sample_objects(workspace_id, sample_id, ord);

-- value: JSON text of the annotated value.
CREATE TABLE xim_vlm_values (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    sample_id    TEXT NOT NULL REFERENCES xim_vlm_samples(id) ON DELETE CASCADE,
    variable_id  TEXT NOT NULL REFERENCES xim_vlm_variables(id) ON DELETE CASCADE,
    value        TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (sample_id, variable_id)
);
CREATE INDEX xim_vlm_values_variable ON xim_vlm_values(variable_id);
CREATE INDEX xim_vlm_values_ws ON xim_vlm_values(workspace_id, sample_id);

-- Trained (or training) versions of a VLM task. spec: JSON snapshot of what the
-- version was trained with (per dataset: variables, template, format, prompts),
-- used to answer unseen images. archive_token: a 'get' transfer of the model ZIP.
CREATE TABLE xim_vlm_models (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    task_id          TEXT NOT NULL REFERENCES xim_vlm_tasks(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL,
    train_status     TEXT NOT NULL CHECK (train_status IN ('IN_QUEUE','TRAINING','TRAINED','FAILED')),
    job_id           TEXT,
    training_samples INTEGER NOT NULL DEFAULT 0,
    test_samples     INTEGER NOT NULL DEFAULT 0,
    skipped_samples  INTEGER NOT NULL DEFAULT 0,
    error            TEXT,
    spec             TEXT NOT NULL DEFAULT '{}',
    archive_token    TEXT,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER,
    UNIQUE (task_id, version)
);
CREATE INDEX xim_vlm_models_ws ON xim_vlm_models(workspace_id);

-- What a VLM model version memorised: image hash -> the rendered output.
CREATE TABLE xim_vlm_memory (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model_id     TEXT NOT NULL REFERENCES xim_vlm_models(id) ON DELETE CASCADE,
    sample_id    TEXT NOT NULL,
    dataset_id   TEXT NOT NULL,
    image_id     TEXT NOT NULL,
    phash        INTEGER NOT NULL,
    output       TEXT NOT NULL,
    format       TEXT
);
CREATE INDEX xim_vlm_memory_model ON xim_vlm_memory(model_id);
CREATE INDEX xim_vlm_memory_ws ON xim_vlm_memory(workspace_id, model_id);
