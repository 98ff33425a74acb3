/* model_run (common/model.h) for milestone 8: the interpreter and model
 * that milestones 3 to 6 share, with milestone 8's bound, validation,
 * discard and stale guards, over this milestone's pool. */
#include "m8_bounded/pool.h"

#define MODEL_MILESTONE 8
#include "common/model_guard_pool.inc"
