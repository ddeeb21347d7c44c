/* job_types.h — the one table of durable job types the worker runs. */
#ifndef VS_JOB_TYPES_H
#define VS_JOB_TYPES_H
#include "worker.h"
const job_type *job_types_table(size_t *n);
#endif
