/* UNIMPLEMENTED - mark a function of starter code that is still to write.
 *
 *	int pool_preallocate(pool_t *pool, size_t count)
 *	{
 *		UNIMPLEMENTED("count more objects made now and kept idle ...");
 *		return -ENOSYS;
 *	}
 *
 * The first call from each place prints
 *	UNIMPLEMENTED pool_preallocate (a stub until you write it; stubs
 *	report ENOSYS, -38): count more objects made now and kept idle ...
 * on stderr, so a failing test names the function to write next, and a
 * test that sees -38 says why.
 *
 * The message states the function's contract and goal, never the steps
 * (bustub's one-line stub under a documented header): the steps are the
 * student's to find, with the milestone README's Hints, ordered from
 * gentle to explicit, when stuck.
 */
#ifndef OBJPOOL_COMMON_UNIMPLEMENTED_H
#define OBJPOOL_COMMON_UNIMPLEMENTED_H

#include <stdatomic.h>
#include <stdio.h>

#define UNIMPLEMENTED(what)                                                    \
	do {                                                                   \
		static atomic_flag said_ = ATOMIC_FLAG_INIT;                   \
		if (!atomic_flag_test_and_set(&said_))                         \
			fprintf(stderr,                                        \
				"UNIMPLEMENTED %s (a stub until you write "    \
				"it; stubs report ENOSYS, -38): %s\n",         \
				__func__, what);                               \
	} while (0)

#endif
