/* The threaded model test (common/model_threads.inc) over milestone 6's
 * pool: threads share it and race the last unref. */
#include "m6_stats/pool.h"

#define MODEL_MILESTONE 6
#include "common/model_threads.inc"
