-- Indexes chosen from profiling (bench/RESULTS.md, issue 10).
--
-- Per-image annotation reads ("WHERE workspace_id=? AND asset_id=? ORDER BY
-- created_at, rowid": Vi annotations and exports, Pictograph annotations, the
-- console, core store_annotations) had two single-column candidates, annotations_ws
-- and annotations_asset. Without statistics SQLite picked annotations_ws, so every
-- per-image read walked ALL the workspace's annotations and sorted them: a COCO
-- export of 50,000 boxes on 500 images took 10 s, quadratic in the store. An index
-- on (asset_id, created_at) answers the equality and the order, so the planner takes
-- it; it replaces annotations_asset, whose one column it starts with (foreign-key
-- cascades from assets and COUNT(*) per asset use the prefix), so inserts still
-- maintain the same number of indexes.
CREATE INDEX annotations_asset_created ON annotations(asset_id, created_at);
DROP INDEX annotations_asset;
