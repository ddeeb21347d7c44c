/* xim_train.c — the "ximilar.vlm.train" job: a VLM task's training.
 *
 * Step 1 (progress 0) takes a snapshot: for every connected dataset it renders
 * each non-test sample through the dataset's (or the sample's own) result
 * template. Samples with a missing required value, an invalid value or no
 * images are skipped and counted; a template that names an unknown variable or
 * renders text that does not parse fails the training, naming the sample and
 * the parser's message. The version memorises image hash → rendered output for
 * every image of every trained sample and keeps the schema it was trained with
 * (to answer unseen images). It is then TRAINING.
 * Step 2 (the training duration after train/, on the virtual clock) writes the model
 * archive (adapter_config.json, config.json, training_data.jsonl) and publishes
 * the version: TRAINED, last_version, training_time and, with auto_deploy,
 * production_version.
 * Each step is a compare-and-set on the model's state, so re-running a step
 * after a crash or after the task was deleted does nothing harmful. Worker
 * thread.
 */
#include "clock.h"
#include "core/formats/zip.h"
#include "store_xim_samples.h"
#include "store_xim_variables.h"
#include "store_xim_vlm_datasets.h"
#include "store_xim_vlm_models.h"
#include "store_xim_vlm_tasks.h"
#include "xim_jobs.h"
#include "xim_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XIM_SKIP_REASONS 5

typedef struct {
    const char *ws;
    json_t *memory;      /* rows for store_xim_vlm_models_begin */
    json_t *reasons;     /* first skip reasons */
    int64_t training, test, skipped;
    char error[512];     /* set when the training fails */
} train_run;

static void skip(train_run *run, const char *sample, const char *why)
{
    run->skipped++;
    if (json_array_size(run->reasons) < XIM_SKIP_REASONS) {
        char line[600];
        snprintf(line, sizeof line, "sample %s: %.500s", sample, why);
        json_array_append_new(run->reasons, json_string(line));
    }
}

/* Renders and memorises one sample; 0 fine (trained or skipped), -1 fails the
 * training (run->error). */
static int train_sample(train_run *run, const json_t *sample, const json_t *vars, const char *dataset)
{
    char err[512];
    json_t *values = NULL, *images = NULL, *by_name = NULL, *effective = NULL;
    char *text = NULL;
    int rc = -1;
    const char *id = json_string_value(json_object_get(sample, "id"));
    if (json_is_true(json_object_get(sample, "test"))) {
        run->test++;
        return 0;
    }
    if (store_xim_samples_values(run->ws, id, &values) != ST_OK || store_xim_samples_images(run->ws, id, &images) != ST_OK) {
        snprintf(run->error, sizeof run->error, "cannot read sample %s", id);
        goto out;
    }
    by_name = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(values, i, e) json_object_set(by_name, json_string_value(json_object_get(e, "name")),
                                                     json_object_get(e, "value"));
    if (json_object_size(by_name) == 0) {
        skip(run, id, "has no variable values");
        rc = 0;
        goto out;
    }
    effective = xim_render_values(vars, by_name, err, sizeof err);
    if (!effective) {
        skip(run, id, err);
        rc = 0;
        goto out;
    }
    if (json_array_size(images) == 0) {
        skip(run, id, "has no images");
        rc = 0;
        goto out;
    }
    const char *tpl = json_string_value(json_object_get(sample, "result_template"));
    const char *format = json_string_value(json_object_get(sample, "result_format"));
    text = xim_render_result(tpl, format, vars, by_name, err, sizeof err);
    if (!text) {
        snprintf(run->error, sizeof run->error, "sample %s: %.400s", id, err);
        goto out;
    }
    json_array_foreach(images, i, e) {
        json_array_append_new(run->memory,
                              json_pack("{s:s,s:s,s:O,s:O,s:s,s:s?}", "sample_id", id, "dataset_id", dataset, "image_id",
                                        json_object_get(e, "image_id"), "phash", json_object_get(e, "phash"), "output",
                                        text, "format", tpl && *tpl ? format : "json"));
    }
    run->training++;
    rc = 0;
out:
    free(text);
    json_decref(effective);
    json_decref(by_name);
    json_decref(images);
    json_decref(values);
    return rc;
}

/* One dataset: its schema into spec, its samples into the run. */
static int train_dataset(train_run *run, const char *dataset, json_t *spec_datasets)
{
    json_t *row = NULL, *vars = NULL, *samples = NULL;
    int64_t count = 0;
    int rc = -1;
    if (store_xim_vlm_datasets_get(run->ws, dataset, &row) != ST_OK ||
        store_xim_variables_of_dataset(run->ws, dataset, &vars) != ST_OK ||
        store_xim_samples_count(run->ws, dataset, -1, NULL, &count) != ST_OK ||
        store_xim_samples_list(run->ws, dataset, -1, NULL, count, 0, &samples) != ST_OK) {
        snprintf(run->error, sizeof run->error, "cannot read dataset %s", dataset);
        goto out;
    }
    json_t *tf = json_object_get(row, "template_format");
    json_array_append_new(spec_datasets,
                          json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "id", dataset, "name", json_object_get(row, "name"),
                                    "result_template", json_object_get(row, "result_template"), "result_format",
                                    json_is_string(tf) ? tf : json_object_get(row, "format"), "system_prompt",
                                    json_object_get(row, "system_prompt"), "user_prompt",
                                    json_object_get(row, "user_prompt"), "default_input_meta_data",
                                    json_object_get(row, "default_input_meta_data"), "variables", vars));
    size_t i;
    json_t *s;
    json_array_foreach(samples, i, s) if (train_sample(run, s, vars, dataset) != 0) goto out;
    rc = 0;
out:
    json_decref(samples);
    json_decref(vars);
    json_decref(row);
    return rc;
}

static step_outcome prepare(job_ctx *ctx, const json_t *model)
{
    const char *id = json_string_value(json_object_get(model, "id"));
    const char *task_id = json_string_value(json_object_get(model, "task"));
    train_run run = {.ws = json_string_value(json_object_get(model, "workspace")), .memory = json_array(),
                     .reasons = json_array()};
    json_t *task = NULL, *datasets = NULL, *spec = NULL;
    step_outcome out = STEP_FAILED;
    int64_t now = clock_now_ms();
    if (store_xim_vlm_tasks_get(run.ws, task_id, &task) != ST_OK ||
        store_xim_vlm_tasks_datasets(run.ws, task_id, &datasets) != ST_OK) {
        snprintf(run.error, sizeof run.error, "cannot read the task");
        goto fail;
    }
    spec = json_pack("{s:{s:s,s:O,s:O,s:O,s:O,s:O},s:O,s:[]}", "task", "id", task_id, "name",
                     json_object_get(task, "name"), "system_prompt", json_object_get(task, "system_prompt"),
                     "user_prompt", json_object_get(task, "user_prompt"), "max_tokens",
                     json_object_get(task, "max_tokens"), "training_params", json_object_get(task, "training_params"),
                     "version", json_object_get(model, "version"), "datasets");
    size_t i;
    json_t *d;
    json_array_foreach(datasets, i, d) if (train_dataset(&run, json_string_value(d), json_object_get(spec, "datasets")) != 0)
        goto fail;
    if (run.training == 0) {
        char *why = json_dumps(run.reasons, JSON_COMPACT);
        snprintf(run.error, sizeof run.error, "No complete non-test sample with images to train on (%lld skipped%s%s).",
                 (long long)run.skipped, run.skipped ? ": " : "", run.skipped && why ? why : "");
        free(why);
        goto fail;
    }
    json_object_set(spec, "skipped", run.reasons);
    st_result r = store_xim_vlm_models_begin(id, spec, run.memory, run.training, run.test, run.skipped, now);
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        out = STEP_WAIT;
        goto done;
    }
    if (r == ST_CONFLICT || r == ST_NOT_FOUND) {
        ctx->result = json_pack("{s:s,s:s}", "model", id, "state", "superseded");
        out = STEP_DONE;
        goto done;
    }
    if (r != ST_OK) {
        snprintf(run.error, sizeof run.error, "cannot record the training: %s", store_result_name(r));
        goto fail;
    }
    ctx->progress = 1;
    ctx->total = 2;
    /* The training ends a fixed time after train/ was called, however late the
     * worker got to this step (e.g. inside a clock advance): the clock is read
     * again now that the snapshot is written, and a training already due goes
     * straight on to step 2. */
    ctx->delay_ms = json_integer_value(json_object_get(model, "created_at")) + xim_jobs_training_ms() - clock_now_ms();
    out = ctx->delay_ms > 0 ? STEP_WAIT : STEP_CONTINUE;
    goto done;
fail:
    store_xim_vlm_models_fail(id, run.error, now);
    snprintf(ctx->error, sizeof ctx->error, "%.500s", run.error);
    out = STEP_FAILED;
done:
    json_decref(spec);
    json_decref(datasets);
    json_decref(task);
    json_decref(run.memory);
    json_decref(run.reasons);
    return out;
}

/* The model directory as a ZIP (malloc'd). */
static int build_archive(const json_t *model, const json_t *memory, unsigned char **zip, size_t *zip_len)
{
    /* The training's start (virtual clock) dates every entry: same model, same bytes. */
    zip_writer *z = zip_writer_new(json_integer_value(json_object_get(model, "started_at")));
    if (!z)
        return -1;
    json_t *spec = json_object_get(model, "spec");
    json_t *adapter = json_pack("{s:s,s:s,s:s,s:O,s:O,s:O,s:I}", "peft_type", "MEMORY", "task_type", "VLM_STRUCTURED_OUTPUT",
                                "base_model_name_or_path", "visionstack/memorising-vlm", "task_id",
                                json_object_get(model, "task"), "model_id", json_object_get(model, "id"), "version",
                                json_object_get(model, "version"), "memorised_images",
                                (json_int_t)json_array_size(memory));
    char *adapter_text = json_dumps(adapter, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    char *config_text = json_dumps(spec, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    int rc = -1;
    size_t lines_cap = 1, lines_len = 0;
    char *lines = calloc(1, 1);
    size_t i;
    json_t *m;
    json_array_foreach(memory, i, m) {
        char *line = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
        size_t l = line ? strlen(line) : 0;
        if (lines && line) {
            char *grown = realloc(lines, lines_cap + l + 1);
            if (grown) {
                lines = grown;
                memcpy(lines + lines_len, line, l);
                lines_len += l;
                lines[lines_len++] = '\n';
                lines_cap += l + 1;
            }
        }
        free(line);
    }
    static const char readme[] = "Model archive written by visionstack's Ximilar VLM emulation.\n"
                                 "adapter_config.json describes the version; config.json holds the prompts, result\n"
                                 "templates and variable schema it was trained with; training_data.jsonl lists the\n"
                                 "memorised training images (perceptual hash) and their rendered outputs.\n";
    if (adapter_text && config_text && lines &&
        zip_writer_add(z, "adapter_config.json", adapter_text, strlen(adapter_text), 1) == 0 &&
        zip_writer_add(z, "config.json", config_text, strlen(config_text), 1) == 0 &&
        zip_writer_add(z, "training_data.jsonl", lines, lines_len, 1) == 0 &&
        zip_writer_add(z, "README.txt", readme, sizeof readme - 1, 1) == 0) {
        rc = zip_writer_finish(z, zip, zip_len);
        z = NULL;
    }
    zip_writer_free(z);
    free(lines);
    free(config_text);
    free(adapter_text);
    json_decref(adapter);
    return rc;
}

static step_outcome publish(job_ctx *ctx, const json_t *model)
{
    const char *id = json_string_value(json_object_get(model, "id"));
    const char *ws = json_string_value(json_object_get(model, "workspace"));
    json_t *memory = NULL;
    unsigned char *zip = NULL;
    size_t zip_len = 0;
    char name[64];
    step_outcome out = STEP_FAILED;
    int64_t now = clock_now_ms();
    if (store_xim_vlm_models_memory(ws, id, &memory) != ST_OK || build_archive(model, memory, &zip, &zip_len) != 0) {
        snprintf(ctx->error, sizeof ctx->error, "cannot write the model archive");
        store_xim_vlm_models_fail(id, ctx->error, now);
        goto out;
    }
    snprintf(name, sizeof name, "model-v%lld.zip", (long long)json_integer_value(json_object_get(model, "version")));
    st_result r = store_xim_vlm_models_finish(id, zip, zip_len, name, now);
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        out = STEP_WAIT;
        goto out;
    }
    if (r != ST_OK && r != ST_CONFLICT && r != ST_NOT_FOUND) {
        snprintf(ctx->error, sizeof ctx->error, "cannot publish the model: %s", store_result_name(r));
        goto out;
    }
    ctx->progress = 2;
    ctx->result = json_pack("{s:s,s:O,s:s}", "model", id, "version", json_object_get(model, "version"), "state",
                            r == ST_OK ? "TRAINED" : "superseded");
    out = STEP_DONE;
out:
    free(zip);
    json_decref(memory);
    return out;
}

step_outcome xim_train_step(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "model"));
    json_t *model = NULL;
    if (!id) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no model");
        return STEP_FAILED;
    }
    st_result r = store_xim_vlm_models_get(NULL, id, &model);
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        return STEP_WAIT;
    }
    if (r != ST_OK) {
        ctx->result = json_pack("{s:s,s:s}", "model", id, "state", "deleted");
        return r == ST_NOT_FOUND ? STEP_DONE : STEP_FAILED;
    }
    const char *state = json_string_value(json_object_get(model, "train_status"));
    step_outcome out;
    if (strcmp(state, "IN_QUEUE") == 0 || (strcmp(state, "TRAINING") == 0 && ctx->progress == 0))
        out = prepare(ctx, model);
    else if (strcmp(state, "TRAINING") == 0)
        out = publish(ctx, model);
    else {
        ctx->result = json_pack("{s:s,s:s}", "model", id, "state", state);
        out = STEP_DONE;
    }
    json_decref(model);
    return out;
}
