#define _POSIX_C_SOURCE 200809L /* pthread_mutexattr_settype */

#include "common/libc_testing.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* One armed failure per call: the call that brings countdown from 1 to 0
 * fails. */
static struct fault {
	unsigned countdown; /* calls until the failure; 0: none armed */
	int err;	    /* what the failing call reports */
} faults[LIBC_CALLS];

void libc_fail(enum libc_call call, unsigned nth, int err)
{
	faults[call] = (struct fault){ .countdown = nth, .err = err };
}

/* Count one call to @call. Return: whether it must fail, with *@err the
 * error to report. */
static bool fire(enum libc_call call, int *err)
{
	struct fault *f = &faults[call];

	*err = f->err;
	return f->countdown > 0 && --f->countdown == 0;
}

/* WRAP(name, call, params, args): __wrap_name, where -Wl,--wrap=name sends
 * every call, fails as armed or calls __real_name, the libc function. */
#define WRAP(name, call, params, args)                                         \
	int __real_##name params;                                              \
	int __wrap_##name params;                                              \
	int __wrap_##name params                                               \
	{                                                                      \
		int err;                                                       \
                                                                               \
		return fire(call, &err) ? err : __real_##name args;            \
	}

/* clang-format would read the parameter lists as multiplications. */
/* clang-format off */
WRAP(pthread_mutexattr_init, LIBC_MUTEXATTR_INIT,
     (pthread_mutexattr_t *attr), (attr))
WRAP(pthread_mutexattr_settype, LIBC_MUTEXATTR_SETTYPE,
     (pthread_mutexattr_t *attr, int type), (attr, type))
WRAP(pthread_mutex_init, LIBC_MUTEX_INIT,
     (pthread_mutex_t *mutex, const pthread_mutexattr_t *attr), (mutex, attr))
WRAP(pthread_mutex_lock, LIBC_MUTEX_LOCK, (pthread_mutex_t *mutex), (mutex))
WRAP(pthread_mutex_unlock, LIBC_MUTEX_UNLOCK, (pthread_mutex_t *mutex), (mutex))
WRAP(pthread_mutex_destroy, LIBC_MUTEX_DESTROY, (pthread_mutex_t *mutex), (mutex))
WRAP(pthread_cond_wait, LIBC_COND_WAIT,
     (pthread_cond_t *cond, pthread_mutex_t *mutex), (cond, mutex))
WRAP(pthread_cond_timedwait, LIBC_COND_TIMEDWAIT,
     (pthread_cond_t *cond, pthread_mutex_t *mutex,
      const struct timespec *deadline), (cond, mutex, deadline))
/* clang-format on */

int __wrap_snprintf(char *buf, size_t size, const char *format, ...);

/* Not through __real_snprintf: vsnprintf does the work, with the
 * arguments as they came. */
int __wrap_snprintf(char *buf, size_t size, const char *format, ...)
{
	int err;

	if (fire(LIBC_SNPRINTF, &err)) {
		if (err)
			errno = err;
		return -1;
	}
	va_list args;

	va_start(args, format);
	int len = vsnprintf(buf, size, format, args);

	va_end(args);
	return len;
}
