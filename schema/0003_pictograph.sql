-- Pictograph dialect: compute credits, prompt sessions, idempotent replays and
-- auto-annotate batches. Datasets, images and annotations are the core tables
-- (their Pictograph-only extras live in the attrs JSON columns).

-- A workspace's remaining credit (micro-USD). No row = the untouched starting
-- allowance; the row appears with the first charge or control-plane set.
CREATE TABLE pictograph_credits (
    workspace_id  TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    remaining     INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Every charge, newest found by (workspace_id, created_at, seq).
CREATE TABLE pictograph_ledger (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    operation     TEXT NOT NULL,
    amount        INTEGER NOT NULL,          -- negative for charges
    balance_after INTEGER NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    metadata      TEXT NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL
);
CREATE INDEX pictograph_ledger_ws ON pictograph_ledger(workspace_id, seq);

-- An image "embedding" session per (workspace, image): open while prompts keep
-- arriving within the idle window.
CREATE TABLE pictograph_sessions (
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    opened_at     INTEGER NOT NULL,
    last_used_at  INTEGER NOT NULL,
    prompts       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, asset_id)
);
CREATE INDEX pictograph_sessions_asset ON pictograph_sessions(asset_id);

-- First successful response per (workspace, Idempotency-Key), replayed for 24 h.
CREATE TABLE pictograph_idempotency (
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, key)
);

-- One auto-annotate batch per job (jobs.type = 'pictograph.batch'). dataset_id
-- has no foreign key on purpose: deleting the dataset fails the job, it must
-- not erase the job's record. Image i is due at started_at + (i+1) * per_image_ms.
CREATE TABLE pictograph_batches (
    job_id            TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    workspace_id      TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id        TEXT NOT NULL,
    images            TEXT NOT NULL,         -- JSON array of asset ids, in order
    classes           TEXT NOT NULL,         -- JSON array of {name, output_type}
    confidence        REAL NOT NULL,
    top_k             INTEGER NOT NULL,
    sahi_slice        INTEGER NOT NULL DEFAULT 0,   -- 0 = no SAHI
    per_image_ms      INTEGER NOT NULL,
    started_at        INTEGER NOT NULL,
    estimated         INTEGER NOT NULL,      -- micro-USD
    next_index        INTEGER NOT NULL DEFAULT 0,
    processed         INTEGER NOT NULL DEFAULT 0,
    failed            INTEGER NOT NULL DEFAULT 0,
    annotations_added INTEGER NOT NULL DEFAULT 0,
    charged           INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE INDEX pictograph_batches_ws ON pictograph_batches(workspace_id);

-- Exact answers a test registered for prompts on an image (control plane); a
-- registered answer wins over the computed one. text is the text prompt for
-- kind 'text' and '' for 'point' and 'box'.
CREATE TABLE pictograph_answers (
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('point','box','text')),
    text          TEXT NOT NULL DEFAULT '',
    response      TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (asset_id, kind, text)
);
CREATE INDEX pictograph_answers_ws ON pictograph_answers(workspace_id);
