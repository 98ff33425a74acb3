/* The threaded model test (common/model_threads.inc) over milestone 5's
 * pool: threads share it and race the last unref. */
#include "m5_threadsafe/pool.h"

#define MODEL_MILESTONE 5
#include "common/model_threads.inc"
