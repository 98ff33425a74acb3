/* The threaded model test (common/model_threads.inc) over milestone 7's
 * pool: threads share it through their caches, race the last unref, and
 * give their caches back as they exit. */
#include "m7_threadcache/pool.h"

#define MODEL_MILESTONE 7
#include "common/model_threads.inc"
