/* xim_routes.h — the Ximilar dialect's request handlers, as listed in the
 * ximilar section of server/routes.c. Each fills res and returns 0, or -1 after
 * failing res. Request threads. */
#ifndef VS_XIM_ROUTES_H
#define VS_XIM_ROUTES_H
#include "request.h"

int xim_account_authorize(vs_request *req, vs_response *res);
int xim_account_user(vs_request *req, vs_response *res);
int xim_account_workspaces(vs_request *req, vs_response *res);
int xim_classify(vs_request *req, vs_response *res);
int xim_datasets_create(vs_request *req, vs_response *res);
int xim_datasets_delete(vs_request *req, vs_response *res);
int xim_datasets_get(vs_request *req, vs_response *res);
int xim_datasets_list(vs_request *req, vs_response *res);
int xim_datasets_update(vs_request *req, vs_response *res);
int xim_dlabels_create(vs_request *req, vs_response *res);
int xim_dlabels_delete(vs_request *req, vs_response *res);
int xim_dlabels_get(vs_request *req, vs_response *res);
int xim_dlabels_list(vs_request *req, vs_response *res);
int xim_dlabels_update(vs_request *req, vs_response *res);
int xim_dobjects_create(vs_request *req, vs_response *res);
int xim_dobjects_delete(vs_request *req, vs_response *res);
int xim_dobjects_get(vs_request *req, vs_response *res);
int xim_dobjects_list(vs_request *req, vs_response *res);
int xim_dobjects_update(vs_request *req, vs_response *res);
int xim_images_add_label(vs_request *req, vs_response *res);
int xim_images_batch(vs_request *req, vs_response *res);
int xim_images_create(vs_request *req, vs_response *res);
int xim_images_delete(vs_request *req, vs_response *res);
int xim_images_get(vs_request *req, vs_response *res);
int xim_images_list(vs_request *req, vs_response *res);
int xim_images_remove_label(vs_request *req, vs_response *res);
int xim_images_update(vs_request *req, vs_response *res);
int xim_labels_create(vs_request *req, vs_response *res);
int xim_labels_delete(vs_request *req, vs_response *res);
int xim_labels_get(vs_request *req, vs_response *res);
int xim_labels_list(vs_request *req, vs_response *res);
int xim_labels_update(vs_request *req, vs_response *res);
int xim_models_download(vs_request *req, vs_response *res);
int xim_models_get(vs_request *req, vs_response *res);
int xim_models_list(vs_request *req, vs_response *res);
int xim_predict(vs_request *req, vs_response *res);
int xim_prompts_create(vs_request *req, vs_response *res);
int xim_prompts_delete(vs_request *req, vs_response *res);
int xim_prompts_get(vs_request *req, vs_response *res);
int xim_prompts_list(vs_request *req, vs_response *res);
int xim_prompts_update(vs_request *req, vs_response *res);
int xim_rtasks_add_label(vs_request *req, vs_response *res);
int xim_rtasks_create(vs_request *req, vs_response *res);
int xim_rtasks_delete(vs_request *req, vs_response *res);
int xim_rtasks_get(vs_request *req, vs_response *res);
int xim_rtasks_list(vs_request *req, vs_response *res);
int xim_rtasks_model_get(vs_request *req, vs_response *res);
int xim_rtasks_model_list(vs_request *req, vs_response *res);
int xim_rtasks_remove_label(vs_request *req, vs_response *res);
int xim_rtasks_train(vs_request *req, vs_response *res);
int xim_rtasks_update(vs_request *req, vs_response *res);
int xim_sample_actions_add_images(vs_request *req, vs_response *res);
int xim_sample_actions_add_objects(vs_request *req, vs_response *res);
int xim_sample_actions_add_value(vs_request *req, vs_response *res);
int xim_sample_actions_images(vs_request *req, vs_response *res);
int xim_sample_actions_objects(vs_request *req, vs_response *res);
int xim_sample_actions_remove_images(vs_request *req, vs_response *res);
int xim_sample_actions_remove_objects(vs_request *req, vs_response *res);
int xim_sample_actions_render(vs_request *req, vs_response *res);
int xim_sample_actions_set_test(vs_request *req, vs_response *res);
int xim_sample_actions_set_untest(vs_request *req, vs_response *res);
int xim_samples_create(vs_request *req, vs_response *res);
int xim_samples_delete(vs_request *req, vs_response *res);
int xim_samples_get(vs_request *req, vs_response *res);
int xim_samples_list(vs_request *req, vs_response *res);
int xim_samples_update(vs_request *req, vs_response *res);
int xim_tasks_add_dataset(vs_request *req, vs_response *res);
int xim_tasks_create(vs_request *req, vs_response *res);
int xim_tasks_delete(vs_request *req, vs_response *res);
int xim_tasks_get(vs_request *req, vs_response *res);
int xim_tasks_list(vs_request *req, vs_response *res);
int xim_tasks_remove_dataset(vs_request *req, vs_response *res);
int xim_tasks_train(vs_request *req, vs_response *res);
int xim_tasks_update(vs_request *req, vs_response *res);
int xim_variables_create(vs_request *req, vs_response *res);
int xim_variables_delete(vs_request *req, vs_response *res);
int xim_variables_get(vs_request *req, vs_response *res);
int xim_variables_list(vs_request *req, vs_response *res);
int xim_variables_update(vs_request *req, vs_response *res);
#endif
