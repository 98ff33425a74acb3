/* model_run (common/model.h) for milestone 7: the interpreter and model
 * that milestones 3 to 6 share, with this thread's cache in front of the
 * depot, the pool ended by the last pool_unref, and pools without caches,
 * over this milestone's pool. */
#include "m7_threadcache/pool.h"

#define MODEL_MILESTONE 7
#include "common/model_guard_pool.inc"
