/* model_run (common/model.h) for milestone 5: the interpreter and model
 * that milestones 3 to 6 share, over this milestone's pool. */
#include "m5_threadsafe/pool.h"

#define MODEL_MILESTONE 5
#include "common/model_guard_pool.inc"
