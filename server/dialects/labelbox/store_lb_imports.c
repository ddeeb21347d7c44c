/* store_lb_imports.c — SQL for labelbox_imports, labelbox_annotations and
 * labelbox_relationships. Replacing an earlier import's annotations deletes the
 * core rows in the id ranges its link rows record, then those link rows (one
 * row per line; see schema/0005_labelbox.sql). Any thread. */
#include "store_lb_imports.h"
#include "clock.h"
#include "db.h"
#include "lb_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lb_import_row_free(lb_import_row *i)
{
    free(i->source_url);
    i->source_url = NULL;
}

static void text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", s ? (const char *)s : "");
}

st_result store_lb_imports_create(lb_import_row *i)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_imports(id, workspace_id, project_id, name, kind, state,"
                               " source_url, input_token, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,'RUNNING',?6,?7,?8,?8)");
    if (!st)
        return ST_ERROR;
    if (!i->id[0])
        lb_ids_cuid(i->id);
    snprintf(i->state, sizeof i->state, "RUNNING");
    i->created_at = i->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, i->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, i->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, i->project_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, i->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, i->kind, -1, SQLITE_STATIC);
    db_bind_text(st, 6, i->source_url);
    db_bind_text(st, 7, i->input_token[0] ? i->input_token : NULL);
    sqlite3_bind_int64(st, 8, i->created_at);
    return db_exec_stmt(st);
}

st_result store_lb_imports_find(const char *workspace_id, const char *project_id, const char *kind,
                                const char *name, const char *id, lb_import_row *out)
{
    sqlite3_stmt *st =
        name ? db_stmt("SELECT id, workspace_id, project_id, name, kind, state, source_url, input_token,"
                       " status_token, error_token, line_count, failure_count, created_at, updated_at"
                       " FROM labelbox_imports WHERE workspace_id=?1 AND project_id=?2 AND kind=?3 AND name=?4")
             : db_stmt("SELECT id, workspace_id, project_id, name, kind, state, source_url, input_token,"
                       " status_token, error_token, line_count, failure_count, created_at, updated_at"
                       " FROM labelbox_imports WHERE (?1 IS NULL OR workspace_id=?1) AND id=?5");
    if (!st)
        return ST_ERROR;
    db_bind_text(st, 1, workspace_id);
    if (name) {
        sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        text(st, 0, out->id, sizeof out->id);
        text(st, 1, out->workspace_id, sizeof out->workspace_id);
        text(st, 2, out->project_id, sizeof out->project_id);
        text(st, 3, out->name, sizeof out->name);
        text(st, 4, out->kind, sizeof out->kind);
        text(st, 5, out->state, sizeof out->state);
        out->source_url = db_col_strdup(st, 6);
        text(st, 7, out->input_token, sizeof out->input_token);
        text(st, 8, out->status_token, sizeof out->status_token);
        text(st, 9, out->error_token, sizeof out->error_token);
        out->line_count = sqlite3_column_int64(st, 10);
        out->failure_count = sqlite3_column_int64(st, 11);
        out->created_at = sqlite3_column_int64(st, 12);
        out->updated_at = sqlite3_column_int64(st, 13);
    }
    sqlite3_reset(st);
    return r;
}

st_result store_lb_imports_finish(const char *id, const char *state, const char *status_token,
                                  const char *error_token, int64_t lines, int64_t failures)
{
    sqlite3_stmt *st = db_stmt("UPDATE labelbox_imports SET state=?2, status_token=?3, error_token=?4,"
                               " line_count=?5, failure_count=?6, updated_at=?7 WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    db_bind_text(st, 3, status_token);
    db_bind_text(st, 4, error_token);
    sqlite3_bind_int64(st, 5, lines);
    sqlite3_bind_int64(st, 6, failures);
    sqlite3_bind_int64(st, 7, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_lb_imports_replace(const char *project_id, const char *kind, const char *import_id,
                                   const char *asset_id, const char *uuid)
{
    sqlite3_stmt *ann, *links, *rel = NULL;
    if (uuid) {
        ann = db_stmt("DELETE FROM annotations WHERE id IN (SELECT a.id FROM labelbox_annotations l JOIN annotations a"
                      " ON a.id BETWEEN l.first_annotation AND l.last_annotation AND a.asset_id=l.asset_id"
                      " WHERE l.project_id=?1 AND l.kind=?2 AND l.uuid=?4 AND l.import_id<>?3)");
        links = db_stmt("DELETE FROM labelbox_annotations WHERE project_id=?1 AND kind=?2 AND uuid=?4"
                        " AND import_id<>?3");
        rel = db_stmt("DELETE FROM labelbox_relationships WHERE project_id=?1 AND uuid=?4 AND import_id<>?3");
    } else {
        ann = db_stmt("DELETE FROM annotations WHERE id IN (SELECT a.id FROM labelbox_annotations l JOIN annotations a"
                      " ON a.id BETWEEN l.first_annotation AND l.last_annotation AND a.asset_id=l.asset_id"
                      " WHERE l.project_id=?1 AND l.kind=?2 AND l.asset_id=?4 AND l.import_id<>?3)");
        links = db_stmt("DELETE FROM labelbox_annotations WHERE project_id=?1 AND kind=?2 AND asset_id=?4"
                        " AND import_id<>?3");
    }
    if (!ann || !links || (uuid && !rel))
        return ST_ERROR;
    sqlite3_stmt *steps[] = {ann, links, rel};
    for (size_t i = 0; i < 3 && steps[i]; i++) {
        sqlite3_stmt *st = steps[i];
        sqlite3_bind_text(st, 1, project_id, -1, SQLITE_STATIC);
        if (st != rel)
            sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, import_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, uuid ? uuid : asset_id, -1, SQLITE_STATIC);
        st_result r = db_exec_stmt(st);
        if (r != ST_OK)
            return r;
    }
    return ST_OK;
}

st_result store_lb_imports_has_prior(const char *project_id, const char *kind, int *any)
{
    sqlite3_stmt *st = db_stmt("SELECT EXISTS(SELECT 1 FROM labelbox_annotations WHERE project_id=?1 AND kind=?2)"
                               " OR (?2='mal' AND EXISTS(SELECT 1 FROM labelbox_relationships WHERE project_id=?1))");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, project_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *any = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ST_OK : db_result(rc);
}

st_result store_lb_imports_link(const char *workspace_id, const char *project_id, const char *import_id,
                                const char *asset_id, const char *kind, const char *uuid, const char *schema_id,
                                int benchmark, const char *first_annotation, const char *last_annotation)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_annotations(workspace_id, project_id, import_id, asset_id, kind,"
                               " uuid, schema_id, benchmark, first_annotation, last_annotation)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, import_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, schema_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, benchmark);
    sqlite3_bind_text(st, 9, first_annotation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, last_annotation, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_lb_imports_relationship(const char *workspace_id, const char *project_id, const char *import_id,
                                        const char *asset_id, const char *uuid, const char *name,
                                        const char *schema_id, const char *source_uuid, const char *target_uuid,
                                        const char *type)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_relationships(id, workspace_id, project_id, import_id, asset_id,"
                               " uuid, name, schema_id, source_uuid, target_uuid, type, created_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
    if (!st)
        return ST_ERROR;
    char id[LB_ID_LEN];
    lb_ids_cuid(id);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, project_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, import_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, schema_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, source_uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, target_uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_lb_imports_relationship_count(const char *workspace_id, const char *import_id, int64_t *count)
{
    sqlite3_stmt *st =
        db_stmt("SELECT COUNT(*) FROM labelbox_relationships WHERE workspace_id=?1 AND import_id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, import_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ST_OK : db_result(rc);
}
