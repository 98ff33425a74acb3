/* The libFuzzer entry point of every milestone's fuzzer (//fuzz:m1 ...):
 * the bytes are a program for the milestone's operation interpreter,
 * model_run, which aborts when the pool and its reference model disagree.
 * Which milestone runs is decided at link time: each fuzzer links one
 * //mN_x:model. */
#include <stddef.h>
#include <stdint.h>

#include "common/model.h"

/* The prototype libFuzzer looks for (it declares none in a header). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - run one input through the interpreter.
 * Return: 0 always (libFuzzer reserves other values); a divergence aborts,
 * which libFuzzer reports as a crash and saves as crash-<sha1>. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	model_run(data, size);
	return 0;
}
