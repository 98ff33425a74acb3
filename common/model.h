/* model_run - the model-based test of one milestone's pool (test-only).
 *
 * Each milestone's //mN_x:model library defines model_run for its own
 * pool; the model tests (//mN_x:model_test) feed it seeded random programs,
 * the fuzzers (//fuzz) feed it whatever libFuzzer makes up.
 *
 * A program is any string of bytes: each operation is an op byte and two
 * argument bytes (missing bytes read as 0). The op byte's low 7 bits pick
 * the operation (modulo the milestone's count of operations: get, release,
 * take, preallocate, ref/unref, misuse, injected allocation and factory
 * failures, ...); its high bit runs that operation under an allocation
 * failure sweep: the 1st, then the 2nd, ... allocation fails until the
 * operation needs no more (common/mem_testing.h's mem_fail_after).
 */
#ifndef OBJPOOL_COMMON_MODEL_H
#define OBJPOOL_COMMON_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* model_run - run the program @data[0..@size) against a fresh pool and a
 * small reference model, checking after every step that they agree
 * (counters, statistics identities, every live object the factory made),
 * then free everything. On the first divergence it prints the step, the
 * operation, what was expected and what happened to stderr, and aborts. */
void model_run(const uint8_t *data, size_t size);

#ifdef __cplusplus
}
#endif

#endif
