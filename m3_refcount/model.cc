/* model_run (common/model.h) for milestone 3: the interpreter and model
 * that milestones 3 to 6 share, over this milestone's pool. */
#include "m3_refcount/pool.h"

#define MODEL_MILESTONE 3
#include "common/model_guard_pool.inc"
