/* Test-only failure injection into libc calls that never fail in a test
 * on their own: pthread_mutex_init, pthread_mutex_lock,
 * pthread_mutex_unlock and snprintf. Linking //common:libc_testing wraps
 * them (-Wl,--wrap), so the test binary must link its libraries
 * statically (linkstatic = True): calls from a shared library would not
 * be wrapped.
 *
 * Each libc_fail_* arms one failure: the @nth call from now (1: the next
 * one) fails with @err, the others run the real function. Arm it just
 * before the call under test: every caller in the binary counts (googletest
 * too). Not for use from several threads at once.
 */
#ifndef OBJPOOL_COMMON_LIBC_TESTING_H
#define OBJPOOL_COMMON_LIBC_TESTING_H

#include <signal.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libc_fail_mutex_init - the @nth pthread_mutex_init returns @err. */
void libc_fail_mutex_init(unsigned nth, int err);

/* libc_fail_mutex_lock - the @nth pthread_mutex_lock returns @err without
 * locking. */
void libc_fail_mutex_lock(unsigned nth, int err);

/* libc_fail_mutex_unlock - the @nth pthread_mutex_unlock returns @err
 * without unlocking. */
void libc_fail_mutex_unlock(unsigned nth, int err);

/* libc_fail_snprintf - the @nth snprintf returns -1 with errno @err
 * (0 leaves errno as it was) and writes nothing. */
void libc_fail_snprintf(unsigned nth, int err);

/* gcov's "write the counters now", present when the binary is built with
 * --coverage and linked with -Wl,-u,__gcov_dump (tools/coverage does). */
void __gcov_dump(void) __attribute__((weak));

static inline void libc_testing__dump_and_abort(int sig)
{
	if (__gcov_dump)
		__gcov_dump();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* libc_flush_coverage_on_abort - make an abort() write the coverage
 * counters first. A death test's child ends in abort(), which skips gcov's
 * exit handler: call this at the start of the death statement, or the
 * lines it runs count as never run. Does nothing without --coverage. */
static inline void libc_flush_coverage_on_abort(void)
{
	signal(SIGABRT, libc_testing__dump_and_abort);
}

#ifdef __cplusplus
}
#endif

#endif
