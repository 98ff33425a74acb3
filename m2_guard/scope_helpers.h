/* Test-only C code that holds a POOL_GUARD while something leaves its
 * scope the hard way: a C++ exception unwinding through it, or a longjmp
 * jumping over it. It is C on purpose: the question is what happens to a
 * C function's cleanup, not to C++ destructors. Compiled with -fexceptions
 * (objpool_c_library), like all of objpool's C code.
 */
#ifndef OBJPOOL_M2_GUARD_SCOPE_HELPERS_H
#define OBJPOOL_M2_GUARD_SCOPE_HELPERS_H

#include "m2_guard/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What scope_hold calls while it holds the guard. May throw (C++). */
typedef void (*scope_fn)(void *obj, void *arg);

/* scope_hold - POOL_GUARD(g, @pool), then @fn(g.obj, @arg) while g holds
 * the object. The guard is released when scope_hold's scope ends, whether
 * @fn returns or throws through it.
 * Return: 0; or -errno when the get failed (then @fn is not called). */
int scope_hold(pool_t *pool, scope_fn fn, void *arg);

/* scope_longjmp_out - setjmp, then call a function that holds
 * POOL_GUARD(g, @pool) and longjmps back out of it. longjmp does not run
 * cleanups: the guard is never released.
 * Return: the object the skipped guard held (still out: the caller must
 * give it back by hand), or NULL with errno set when the get failed. */
void *scope_longjmp_out(pool_t *pool);

#ifdef __cplusplus
}
#endif

#endif
