/* store_annotations.c — SQL for annotations, scoped by workspace. Any thread. */
#include "store_annotations.h"
#include "../clock.h"
#include "../db.h"
#include "ids.h"

#include <stdio.h>
#include <string.h>

st_result store_annotations_create(annotation_row *a)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO annotations(id, workspace_id, dataset_id, asset_id, kind, label, geometry,"
                               " text, confidence, source, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)");
    if (!st)
        return ST_ERROR;
    if (!a->id[0])
        ids_uuid(a->id);
    if (!a->source[0])
        snprintf(a->source, sizeof a->source, "human");
    a->created_at = a->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->geometry ? a->geometry : "{}", -1, SQLITE_STATIC);
    db_bind_text(st, 8, a->text);
    if (a->has_confidence)
        sqlite3_bind_double(st, 9, a->confidence);
    else
        sqlite3_bind_null(st, 9);
    sqlite3_bind_text(st, 10, a->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, a->created_at);
    return db_exec_stmt(st);
}

st_result store_annotations_list_by_asset(const char *workspace_id, const char *asset_id,
                                          void (*cb)(const annotation_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT id, dataset_id, kind, label, geometry, text, confidence, source, created_at,"
                               " updated_at FROM annotations WHERE workspace_id=?1 AND asset_id=?2"
                               " ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        annotation_row a;
        memset(&a, 0, sizeof a);
        snprintf(a.id, sizeof a.id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(a.workspace_id, sizeof a.workspace_id, "%s", workspace_id);
        snprintf(a.dataset_id, sizeof a.dataset_id, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(a.asset_id, sizeof a.asset_id, "%s", asset_id);
        snprintf(a.kind, sizeof a.kind, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(a.label, sizeof a.label, "%s", (const char *)sqlite3_column_text(st, 3));
        a.geometry = (const char *)sqlite3_column_text(st, 4);
        a.text = (const char *)sqlite3_column_text(st, 5);
        a.has_confidence = sqlite3_column_type(st, 6) != SQLITE_NULL;
        a.confidence = sqlite3_column_double(st, 6);
        snprintf(a.source, sizeof a.source, "%s", (const char *)sqlite3_column_text(st, 7));
        a.created_at = sqlite3_column_int64(st, 8);
        a.updated_at = sqlite3_column_int64(st, 9);
        cb(&a, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}
