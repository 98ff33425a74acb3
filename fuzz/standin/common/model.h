/* STAND-IN until the model branch lands common/model.h: the interface the
 * fuzzers use. */
#ifndef OBJPOOL_COMMON_MODEL_H
#define OBJPOOL_COMMON_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* model_run - interpret @data as pool operations, checking the pool
 * against a reference model after every step; abort() on a divergence. */
void model_run(const uint8_t *data, size_t size);

#ifdef __cplusplus
}
#endif

#endif
