/* model_run (common/model.h) for milestone 6: the interpreter and model
 * that milestones 3 to 6 share, over this milestone's pool. */
#include "m6_stats/pool.h"

#define MODEL_MILESTONE 6
#include "common/model_guard_pool.inc"
