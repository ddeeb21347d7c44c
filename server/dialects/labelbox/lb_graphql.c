/* lb_graphql.c — POST /graphql and POST /_gql: the one Labelbox dispatcher.
 *
 * A request is either JSON ({"query","variables"}) or a GraphQL multipart upload
 * (parts "operations", "map", then the file). The operation is looked up by the
 * name written in the query text (and, where the vendor reuses a name for two
 * mutations, by its root field); an unknown one answers
 * GRAPHQL_VALIDATION_FAILED, never a silent success. The multipart quirks of the
 * vendor's client (swapped filename and content type, a contentLength that is
 * not the byte count, a map key that differs from the part name once urllib3 has
 * escaped it) are tolerated, not validated: the handlers use the real part.
 * HTTP pool threads.
 */
#include "labelbox.h"
#include "core/validate.h"
#include "lb_gql.h"
#include "lb_multipart.h"
#include "lb_ops.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LB_JSON_CAP (1024u * 1024u)

typedef struct {
    const char *op;
    const char *root;  /* NULL = any root field */
    int (*fn)(lb_call *);
} lb_op;

static const lb_op ops[] = {
    {"GetOrganizationPyApi", NULL, lb_account_organization},
    {"GetUserPyApi", NULL, lb_account_user},
    {"getAllIntegrationsPyApi", NULL, lb_account_integrations},
    {"CreateDatasetPyApi", NULL, lb_datasets_create},
    {"GetDatasetPyApi", NULL, lb_datasets_get},
    {"deleteDatasetPyApi", NULL, lb_datasets_delete},
    {"UploadFile", NULL, lb_uploads_file},
    {"UpsertDataRowsPyApi", NULL, lb_data_rows_upsert},
    {"GetUserCreatedTasksPyApi", NULL, lb_data_rows_task},
    {"FailedDataRowImportsPyApi", NULL, lb_data_rows_failed},
    {"SuccessesfulDataRowImportsPyApi", NULL, lb_data_rows_succeeded},
    {"CheckAllDataRowsHaveBeenProcessedPyApi", NULL, lb_data_rows_processed},
    {"upsertRootSchemaNodePyApi", "upsertOntology", lb_ontologies_upsert},
    {"GetOntologyPyApi", NULL, lb_ontologies_get},
    {"CreateProjectPyApi", NULL, lb_projects_create},
    {"GetProjectPyApi", NULL, lb_projects_get},
    {"GetProjectOntologyPyApi", NULL, lb_projects_ontology},
    {"GetProjectLabelingFrontendPyApi", NULL, lb_projects_frontend},
    {"GetLabelingFrontendsPyApi", NULL, lb_projects_frontends},
    {"ConnectProjectAndLabelingFrontendPyApi", NULL, lb_projects_connect_frontend},
    {"CreateLabelingFrontendOptionsPyApi", NULL, lb_projects_frontend_options},
    {"ConnectOntologyPyApi", NULL, lb_projects_connect_ontology},
    {"updateProjectPyApi", NULL, lb_projects_update},
    {"createBatchV2PyApi", NULL, lb_batches_create},
    {"createEmptyBatchPyApi", NULL, lb_batches_create_empty},
    {"addDataRowsToBatchAsyncPyApi", NULL, lb_batches_add_async},
    {"getProjectBatchPyApi", NULL, lb_batches_get},
    {"createMALPredictionImportByFilePyApi", NULL, lb_imports_create_mal_file},
    {"createLabelImportByFilePyApi", NULL, lb_imports_create_label_file},
    {"createMALPredictionImportByUrlPyApi", NULL, lb_imports_create_mal_url},
    {"createLabelImportByUrlPyApi", NULL, lb_imports_create_label_url},
    {"getModelAssistedLabelingPredictionImportPyApi", NULL, lb_imports_get_mal},
    {"getLabelImportPyApi", NULL, lb_imports_get_label},
};

#define NOPS (sizeof ops / sizeof *ops)

static const char *op_names[NOPS + 1];
static pthread_once_t op_names_once = PTHREAD_ONCE_INIT;

static void fill_op_names(void)
{
    for (size_t i = 0; i < NOPS; i++)
        op_names[i] = ops[i].op;
    op_names[NOPS] = NULL;
}

const char *const *lb_graphql_operations(void)
{
    pthread_once(&op_names_once, fill_op_names);
    return op_names;
}

size_t lb_graphql_cap(const vs_request *req)
{
    const char *ctype = vs_header(req, "Content-Type");
    return validate_media_type(ctype, "multipart/form-data") ? LB_UPLOAD_CAP : LB_JSON_CAP;
}

/* The part bound to "variables.file" by the map, tolerating a map key that no
 * part carries (then the one part that is neither operations nor map). */
static const lb_part *file_part(const lb_part *parts, int n, json_t *map)
{
    const char *key;
    json_t *paths;
    json_object_foreach(map, key, paths) {
        size_t i;
        json_t *path;
        json_array_foreach(paths, i, path) {
            const char *s = json_string_value(path);
            if (s && strcmp(s, "variables.file") == 0) {
                const lb_part *p = lb_multipart_find(parts, n, key);
                if (p)
                    return p;
            }
        }
    }
    const lb_part *only = NULL;
    for (int i = 0; i < n; i++) {
        if (strcmp(parts[i].name, "operations") == 0 || strcmp(parts[i].name, "map") == 0)
            continue;
        if (only)
            return NULL;
        only = &parts[i];
    }
    return only;
}

static json_t *load_json_part(const lb_part *p)
{
    if (!p || !validate_utf8((const char *)p->data, p->len))
        return NULL;
    return json_loadb((const char *)p->data, p->len, 0, NULL);
}

/* Fills c->query/vars/file from a multipart body; *envelope owns the JSON. */
static int read_multipart(lb_call *c, lb_part *parts, json_t **envelope)
{
    char boundary[80];
    if (lb_multipart_boundary(vs_header(c->req, "Content-Type"), boundary, sizeof boundary) != 0)
        return lb_error(c, LB_PARSE, "multipart/form-data request without a boundary");
    int n = lb_multipart_parse(c->req->body, c->req->body_len, boundary, parts, LB_MULTIPART_MAX_PARTS);
    if (n < 0)
        return lb_error(c, LB_PARSE, "Malformed multipart/form-data body");
    const lb_part *ops_part = lb_multipart_find(parts, n, "operations");
    if (!ops_part)
        return lb_error(c, LB_PARSE, "Missing multipart field 'operations'");
    *envelope = load_json_part(ops_part);
    if (!json_is_object(*envelope))
        return lb_error(c, LB_PARSE, "Multipart field 'operations' is not a JSON object");
    json_t *map = load_json_part(lb_multipart_find(parts, n, "map"));
    c->file = file_part(parts, n, json_is_object(map) ? map : NULL);
    json_decref(map);
    return 0;
}

static int dispatch(lb_call *c, json_t *envelope)
{
    json_t *query = json_object_get(envelope, "query");
    json_t *vars = json_object_get(envelope, "variables");
    if (!json_is_string(query) || json_string_length(query) == 0)
        return lb_error(c, LB_PARSE, "Must provide query string.");
    if (vars && !json_is_null(vars) && !json_is_object(vars))
        return lb_error(c, LB_MALFORMED, "Variables must be provided as a JSON object.");
    c->query = json_string_value(query);
    if (strlen(c->query) != json_string_length(query))
        return lb_error(c, LB_PARSE, "The query text contains a NUL character");
    if (json_is_object(vars))
        c->vars = vars;
    if (lb_gql_operation(c->query, c->op, sizeof c->op) != 0)
        return lb_error(c, LB_VALIDATION, "Unsupported operation: only named query and mutation operations are "
                                          "emulated");
    if (lb_gql_root_field(c->query, c->root, sizeof c->root) != 0)
        return lb_error(c, LB_PARSE, "Syntax Error: cannot read the selection set of %s", c->op);
    for (size_t i = 0; i < NOPS; i++) {
        if (strcmp(ops[i].op, c->op) != 0 || (ops[i].root && strcmp(ops[i].root, c->root) != 0))
            continue;
        return ops[i].fn(c);
    }
    return lb_error(c, LB_VALIDATION, "Unsupported operation %s", c->op);
}

int lb_graphql(vs_request *req, vs_response *res)
{
    lb_part parts[LB_MULTIPART_MAX_PARTS];
    json_t *empty = json_object();
    json_t *envelope = NULL;
    lb_call c;
    memset(&c, 0, sizeof c);
    c.req = req;
    c.res = res;
    c.vars = empty;
    c.experimental = strncmp(req->path, "/_gql", 5) == 0;
    const char *mode = vs_header(req, "X-Visionstack-Mode");
    c.realistic = mode && strcasecmp(mode, "realistic") == 0;
    int rc;
    if (req->json) {
        rc = dispatch(&c, req->json);
    } else if ((rc = read_multipart(&c, parts, &envelope)) == 0) {
        rc = dispatch(&c, envelope);
    }
    json_decref(envelope);
    json_decref(empty);
    return rc;
}
