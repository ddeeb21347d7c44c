/* store_lb_projects.c — SQL for labelbox_ontologies, labelbox_projects,
 * labelbox_batches and labelbox_project_rows. Counts (a project's data rows, a
 * batch's size) are computed on read from the membership rows, so they cannot
 * drift. Every query is scoped by workspace. Any thread. */
#include "store_lb_projects.h"
#include "clock.h"
#include "db.h"
#include "lb_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lb_ontology_row_free(lb_ontology_row *o)
{
    free(o->description);
    free(o->normalized);
    o->description = o->normalized = NULL;
}

void lb_project_row_free(lb_project_row *p)
{
    free(p->description);
    free(p->frontend_options);
    p->description = p->frontend_options = NULL;
}

void lb_batch_row_free(lb_batch_row *b)
{
    free(b->consensus_settings);
    b->consensus_settings = NULL;
}

static void text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", s ? (const char *)s : "");
}

/* ontologies */

st_result store_lb_ontologies_create(lb_ontology_row *o)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_ontologies(id, workspace_id, name, description, media_type,"
                               " normalized, tool_count, classification_count, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?9)");
    if (!st)
        return ST_ERROR;
    if (!o->id[0])
        lb_ids_cuid(o->id);
    o->created_at = o->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, o->description ? o->description : "", -1, SQLITE_STATIC);
    db_bind_text(st, 5, o->media_type[0] ? o->media_type : NULL);
    sqlite3_bind_text(st, 6, o->normalized, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, o->tool_count);
    sqlite3_bind_int(st, 8, o->classification_count);
    sqlite3_bind_int64(st, 9, o->created_at);
    return db_exec_stmt(st);
}

static void read_ontology(sqlite3_stmt *st, void *arg)
{
    lb_ontology_row *o = arg;
    memset(o, 0, sizeof *o);
    text(st, 0, o->id, sizeof o->id);
    text(st, 1, o->workspace_id, sizeof o->workspace_id);
    text(st, 2, o->name, sizeof o->name);
    o->description = db_col_strdup(st, 3);
    text(st, 4, o->media_type, sizeof o->media_type);
    o->normalized = db_col_strdup(st, 5);
    o->tool_count = sqlite3_column_int(st, 6);
    o->classification_count = sqlite3_column_int(st, 7);
    o->created_at = sqlite3_column_int64(st, 8);
    o->updated_at = sqlite3_column_int64(st, 9);
}

st_result store_lb_ontologies_get(const char *workspace_id, const char *id, lb_ontology_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT id, workspace_id, name, description, media_type, normalized, tool_count,"
                               " classification_count, created_at, updated_at FROM labelbox_ontologies"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return db_row(st, read_ontology, out);
}

/* projects */

st_result store_lb_projects_create(lb_project_row *p)
{
    sqlite3_stmt *st = db_stmt(
        "INSERT INTO labelbox_projects(id, workspace_id, name, description, media_type, editor_task_type,"
        " auto_audit_percentage, auto_audit_number_of_labels, is_benchmark_enabled, is_consensus_enabled,"
        " created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)");
    if (!st)
        return ST_ERROR;
    if (!p->id[0])
        lb_ids_cuid(p->id);
    p->created_at = p->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->description ? p->description : "", -1, SQLITE_STATIC);
    db_bind_text(st, 5, p->media_type[0] ? p->media_type : NULL);
    db_bind_text(st, 6, p->editor_task_type[0] ? p->editor_task_type : NULL);
    if (p->has_audit_percentage)
        sqlite3_bind_double(st, 7, p->auto_audit_percentage);
    else
        sqlite3_bind_null(st, 7);
    if (p->has_audit_labels)
        sqlite3_bind_int64(st, 8, p->auto_audit_number_of_labels);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_int(st, 9, p->is_benchmark_enabled);
    sqlite3_bind_int(st, 10, p->is_consensus_enabled);
    sqlite3_bind_int64(st, 11, p->created_at);
    return db_exec_stmt(st);
}

static void read_project(sqlite3_stmt *st, void *arg)
{
    lb_project_row *p = arg;
    memset(p, 0, sizeof *p);
    text(st, 0, p->id, sizeof p->id);
    text(st, 1, p->workspace_id, sizeof p->workspace_id);
    text(st, 2, p->name, sizeof p->name);
    p->description = db_col_strdup(st, 3);
    text(st, 4, p->media_type, sizeof p->media_type);
    text(st, 5, p->editor_task_type, sizeof p->editor_task_type);
    text(st, 6, p->ontology_id, sizeof p->ontology_id);
    text(st, 7, p->frontend_id, sizeof p->frontend_id);
    text(st, 8, p->frontend_options_id, sizeof p->frontend_options_id);
    p->frontend_options = db_col_strdup(st, 9);
    p->setup_complete = sqlite3_column_int64(st, 10);
    p->has_audit_percentage = sqlite3_column_type(st, 11) != SQLITE_NULL;
    p->auto_audit_percentage = sqlite3_column_double(st, 11);
    p->has_audit_labels = sqlite3_column_type(st, 12) != SQLITE_NULL;
    p->auto_audit_number_of_labels = sqlite3_column_int64(st, 12);
    p->is_benchmark_enabled = sqlite3_column_int(st, 13);
    p->is_consensus_enabled = sqlite3_column_int(st, 14);
    p->last_activity_time = sqlite3_column_int64(st, 15);
    p->created_at = sqlite3_column_int64(st, 16);
    p->updated_at = sqlite3_column_int64(st, 17);
    p->data_row_count = sqlite3_column_int64(st, 18);
}

st_result store_lb_projects_get(const char *workspace_id, const char *id, lb_project_row *out)
{
    sqlite3_stmt *st = db_stmt(
        "SELECT p.id, p.workspace_id, p.name, p.description, p.media_type, p.editor_task_type, p.ontology_id,"
        " p.frontend_id, p.frontend_options_id, p.frontend_options, p.setup_complete, p.auto_audit_percentage,"
        " p.auto_audit_number_of_labels, p.is_benchmark_enabled, p.is_consensus_enabled, p.last_activity_time,"
        " p.created_at, p.updated_at,"
        " (SELECT COUNT(*) FROM labelbox_project_rows r WHERE r.project_id=p.id)"
        " FROM labelbox_projects p WHERE p.workspace_id=?1 AND p.id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return db_row(st, read_project, out);
}

st_result store_lb_projects_update(lb_project_row *p)
{
    sqlite3_stmt *st = db_stmt(
        "UPDATE labelbox_projects SET name=?3, description=?4, ontology_id=?5, frontend_id=?6,"
        " frontend_options_id=?7, frontend_options=?8, setup_complete=?9, auto_audit_percentage=?10,"
        " auto_audit_number_of_labels=?11, is_benchmark_enabled=?12, is_consensus_enabled=?13,"
        " last_activity_time=?14, updated_at=?15 WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    p->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, p->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->description ? p->description : "", -1, SQLITE_STATIC);
    db_bind_text(st, 5, p->ontology_id[0] ? p->ontology_id : NULL);
    db_bind_text(st, 6, p->frontend_id[0] ? p->frontend_id : NULL);
    db_bind_text(st, 7, p->frontend_options_id[0] ? p->frontend_options_id : NULL);
    db_bind_text(st, 8, p->frontend_options);
    if (p->setup_complete)
        sqlite3_bind_int64(st, 9, p->setup_complete);
    else
        sqlite3_bind_null(st, 9);
    if (p->has_audit_percentage)
        sqlite3_bind_double(st, 10, p->auto_audit_percentage);
    else
        sqlite3_bind_null(st, 10);
    if (p->has_audit_labels)
        sqlite3_bind_int64(st, 11, p->auto_audit_number_of_labels);
    else
        sqlite3_bind_null(st, 11);
    sqlite3_bind_int(st, 12, p->is_benchmark_enabled);
    sqlite3_bind_int(st, 13, p->is_consensus_enabled);
    if (p->last_activity_time)
        sqlite3_bind_int64(st, 14, p->last_activity_time);
    else
        sqlite3_bind_null(st, 14);
    sqlite3_bind_int64(st, 15, p->updated_at);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}

/* batches */

st_result store_lb_batches_create(lb_batch_row *b)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_batches(id, workspace_id, project_id, name, priority,"
                               " consensus_settings, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?7)");
    if (!st)
        return ST_ERROR;
    if (!b->id[0])
        lb_ids_cuid(b->id);
    b->created_at = b->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, b->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->project_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, b->priority);
    db_bind_text(st, 6, b->consensus_settings);
    sqlite3_bind_int64(st, 7, b->created_at);
    return db_exec_stmt(st);
}

static void read_batch(sqlite3_stmt *st, void *arg)
{
    lb_batch_row *b = arg;
    memset(b, 0, sizeof *b);
    text(st, 0, b->id, sizeof b->id);
    text(st, 1, b->workspace_id, sizeof b->workspace_id);
    text(st, 2, b->project_id, sizeof b->project_id);
    text(st, 3, b->name, sizeof b->name);
    b->priority = sqlite3_column_int(st, 4);
    b->consensus_settings = db_col_strdup(st, 5);
    b->created_at = sqlite3_column_int64(st, 6);
    b->updated_at = sqlite3_column_int64(st, 7);
    b->size = sqlite3_column_int64(st, 8);
}

st_result store_lb_batches_get(const char *workspace_id, const char *project_id, const char *id, lb_batch_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT b.id, b.workspace_id, b.project_id, b.name, b.priority, b.consensus_settings,"
                               " b.created_at, b.updated_at,"
                               " (SELECT COUNT(*) FROM labelbox_project_rows r WHERE r.batch_id=b.id)"
                               " FROM labelbox_batches b WHERE b.workspace_id=?1 AND b.project_id=?2 AND b.id=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    return db_row(st, read_batch, out);
}

st_result store_lb_batches_add_row(const char *workspace_id, const char *project_id, const char *batch_id,
                                   const char *asset_id)
{
    sqlite3_stmt *st = db_stmt("INSERT OR IGNORE INTO labelbox_project_rows(project_id, asset_id, batch_id,"
                               " workspace_id, created_at) VALUES (?1,?2,?3,?4,?5)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, project_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, batch_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_CONFLICT;
    return r;
}
