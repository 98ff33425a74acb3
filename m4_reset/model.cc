/* model_run (common/model.h) for milestone 4: the interpreter and model
 * that milestones 3 to 6 share, over this milestone's pool. */
#include "m4_reset/pool.h"

#define MODEL_MILESTONE 4
#include "common/model_guard_pool.inc"
