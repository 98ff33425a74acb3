/* Test-only failure injection into libc calls that never fail in a test
 * on their own: the pthread mutex and condition calls and snprintf. Linking
 * //common:libc_testing wraps them (-Wl,--wrap), so the test binary must
 * link its libraries statically (linkstatic = True): calls from a shared
 * library would not be wrapped.
 *
 *	libc_fail(LIBC_MUTEX_LOCK, 1, EINVAL);	// the next lock fails
 *
 * Arm a failure just before the call under test: every caller in the
 * binary counts (googletest too). Not for use from several threads at
 * once.
 */
#ifndef OBJPOOL_COMMON_LIBC_TESTING_H
#define OBJPOOL_COMMON_LIBC_TESTING_H

#ifdef __cplusplus
extern "C" {
#endif

/* The calls that can be made to fail. */
enum libc_call {
	LIBC_MUTEXATTR_INIT,	/* pthread_mutexattr_init */
	LIBC_MUTEXATTR_SETTYPE, /* pthread_mutexattr_settype */
	LIBC_MUTEX_INIT,	/* pthread_mutex_init */
	LIBC_MUTEX_LOCK,	/* pthread_mutex_lock: fails without locking */
	LIBC_MUTEX_UNLOCK,	/* pthread_mutex_unlock: fails, still locked */
	LIBC_MUTEX_DESTROY,	/* pthread_mutex_destroy */
	LIBC_COND_WAIT,		/* pthread_cond_wait: fails, still locked */
	LIBC_COND_TIMEDWAIT,	/* pthread_cond_timedwait: the same */
	LIBC_SNPRINTF,		/* snprintf: -1, writes nothing */
	LIBC_CALLS
};

/* libc_fail - make the @nth call to @call from now (1: the next one) fail
 * with @err: the pthread calls return it; snprintf returns -1 and sets
 * errno to @err (0 leaves errno as it was). The other calls run the real
 * function. A new libc_fail for @call replaces the one armed. */
void libc_fail(enum libc_call call, unsigned nth, int err);

#ifdef __cplusplus
}
#endif

#endif
