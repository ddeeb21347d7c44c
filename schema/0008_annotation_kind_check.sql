-- The annotations table, rebuilt with the same columns, rows, rowids and indexes;
-- only its kind CHECK is spelled differently (bench/RESULTS.md, issue 10).
--
-- SQLite evaluates "kind IN (<7 literals>)" through an ephemeral b-tree that it
-- builds afresh for every execution of an INSERT: opening a pager, creating the
-- table, filling it, closing it. That was ~8 % of the CPU of a Vi import (two
-- inserts per line). A chain of equalities accepts exactly the same values at no
-- such cost. No table references annotations, so the rebuild cascades nothing.
CREATE TABLE annotations_rebuilt (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    dataset_id   TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    asset_id     TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind = 'bbox' OR kind = 'polygon' OR kind = 'polyline' OR kind = 'point'
                                      OR kind = 'mask' OR kind = 'classification' OR kind = 'text'),
    label        TEXT NOT NULL DEFAULT '',
    geometry     TEXT NOT NULL DEFAULT '{}',
    text         TEXT,
    confidence   REAL,
    source       TEXT NOT NULL DEFAULT 'human',
    attrs        TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
INSERT INTO annotations_rebuilt (rowid, id, workspace_id, dataset_id, asset_id, kind, label, geometry, text,
                                 confidence, source, attrs, created_at, updated_at)
    SELECT rowid, id, workspace_id, dataset_id, asset_id, kind, label, geometry, text, confidence, source, attrs,
           created_at, updated_at FROM annotations;
DROP TABLE annotations;
ALTER TABLE annotations_rebuilt RENAME TO annotations;
CREATE INDEX annotations_asset_created ON annotations(asset_id, created_at);
CREATE INDEX annotations_ws ON annotations(workspace_id);
CREATE INDEX annotations_dataset ON annotations(dataset_id);
