#include "common/libc_testing.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

/* One armed failure: the call that brings countdown from 1 to 0 fails. */
struct fault {
	unsigned countdown; /* calls until the failure; 0: none armed */
	int err;	    /* what the failing call reports */
};

static struct fault mutex_init_fault, mutex_lock_fault, mutex_unlock_fault,
	snprintf_fault;

static void arm(struct fault *f, unsigned nth, int err)
{
	f->countdown = nth;
	f->err = err;
}

/* Count one call. Return: true when this call must fail. */
static int fire(struct fault *f)
{
	return f->countdown > 0 && --f->countdown == 0;
}

void libc_fail_mutex_init(unsigned nth, int err)
{
	arm(&mutex_init_fault, nth, err);
}

void libc_fail_mutex_lock(unsigned nth, int err)
{
	arm(&mutex_lock_fault, nth, err);
}

void libc_fail_mutex_unlock(unsigned nth, int err)
{
	arm(&mutex_unlock_fault, nth, err);
}

void libc_fail_snprintf(unsigned nth, int err)
{
	arm(&snprintf_fault, nth, err);
}

/* The real functions, and the wrappers -Wl,--wrap sends every call to. */
int __real_pthread_mutex_init(pthread_mutex_t *mutex,
			      const pthread_mutexattr_t *attr);
int __real_pthread_mutex_lock(pthread_mutex_t *mutex);
int __real_pthread_mutex_unlock(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_init(pthread_mutex_t *mutex,
			      const pthread_mutexattr_t *attr);
int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_unlock(pthread_mutex_t *mutex);
int __wrap_snprintf(char *buf, size_t size, const char *format, ...);

int __wrap_pthread_mutex_init(pthread_mutex_t *mutex,
			      const pthread_mutexattr_t *attr)
{
	if (fire(&mutex_init_fault))
		return mutex_init_fault.err;
	return __real_pthread_mutex_init(mutex, attr);
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex)
{
	if (fire(&mutex_lock_fault))
		return mutex_lock_fault.err;
	return __real_pthread_mutex_lock(mutex);
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *mutex)
{
	if (fire(&mutex_unlock_fault))
		return mutex_unlock_fault.err;
	return __real_pthread_mutex_unlock(mutex);
}

/* snprintf is not wrapped through __real_snprintf: vsnprintf does the
 * work, with the arguments as they came. */
int __wrap_snprintf(char *buf, size_t size, const char *format, ...)
{
	if (fire(&snprintf_fault)) {
		if (snprintf_fault.err)
			errno = snprintf_fault.err;
		return -1;
	}
	va_list args;

	va_start(args, format);
	int len = vsnprintf(buf, size, format, args);

	va_end(args);
	return len;
}
