-- The annotations table, rebuilt with the same columns, rows, rowids and CHECK, but
-- with neither a foreign key on workspace_id nor the annotations_ws index.
--
-- Every row of annotations joined a b-tree whose keys were all one workspace id:
-- ~15 % of a Vi import's time (bench/RESULTS.md, issue 3). Its only readers were a
-- workspace's annotation count and the workspace purge, and both reach a
-- workspace's annotations through its datasets (datasets_ws, then
-- annotations_dataset) just as well: every annotation belongs to a dataset of its
-- own workspace. Without the index, the foreign key on workspace_id would turn
-- each workspace delete into a scan of the whole table, so it goes too; deleting a
-- workspace still cascades through its datasets and assets, whose keys are indexed.
-- workspace_id stays, NOT NULL, for the per-workspace filters of every query.
CREATE TABLE annotations_rebuilt (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
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
CREATE INDEX annotations_dataset ON annotations(dataset_id);
