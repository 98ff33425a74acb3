#include "m2_guard/scope_helpers.h"

#include <errno.h>
#include <setjmp.h>

int scope_hold(pool_t *pool, scope_fn fn, void *arg)
{
	POOL_GUARD(g, pool);

	if (!g.obj)
		return -errno;
	fn(g.obj, arg);
	return 0;
}

/* What the jumping function leaves for scope_longjmp_out. The fields it
 * writes are volatile: after a longjmp, only volatile locals that changed
 * since the setjmp have a defined value. */
struct jump {
	jmp_buf env;	    /* where to jump back to */
	void *volatile obj; /* the object its guard held when it jumped */
	volatile int err;   /* errno of a failed get; 0 when it got one */
};

/* Holds a guard and jumps out of its scope, skipping the cleanup. */
static void hold_and_jump(pool_t *pool, struct jump *jump)
{
	POOL_GUARD(g, pool);

	jump->obj = g.obj;
	jump->err = g.obj ? 0 : errno;
	longjmp(jump->env, 1);
}

void *scope_longjmp_out(pool_t *pool)
{
	struct jump jump = { .obj = NULL, .err = 0 };

	if (setjmp(jump.env) == 0)
		hold_and_jump(pool, &jump); /* does not return */
	if (!jump.obj)
		errno = jump.err;
	return jump.obj;
}
