#define _POSIX_C_SOURCE 200809L /* PTHREAD_MUTEX_ERRORCHECK */

#include "common/mutex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NDEBUG
const void *mutex__self(void)
{
	static _Thread_local const char me;

	return &me;
}
#endif

void mutex__die(const char *what, int err)
{
	fprintf(stderr, "objpool: %s: %s\n", what, strerror(err));
	if (err == EDEADLK)
		fprintf(stderr, "objpool: this thread already holds the pool's "
				"lock. Likely causes:\n"
				"  - a path that returned, or failed, without "
				"unlocking;\n"
				"  - a callback (factory, reset, destroy) "
				"called with the lock held,\n"
				"    that calls back into the pool;\n"
				"  - a helper that takes the lock, called by a "
				"function that already\n"
				"    holds it.\n");
	else if (err == EPERM)
		fprintf(stderr, "objpool: this thread does not hold the lock "
				"it unlocks: "
				"an unlock too many on some path.\n");
	else if (err == EBUSY)
		fprintf(stderr,
			"objpool: the lock is destroyed while held: the last "
			"reference was dropped before unlocking.\n");
	abort();
}

int mutex_init(mutex_t *m)
{
	pthread_mutexattr_t attr;
	int err = pthread_mutexattr_init(&attr);

	if (err)
		return -err;
#ifndef NDEBUG
	err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	atomic_init(&m->owner, (const void *)NULL);
#endif
	if (!err)
		err = pthread_mutex_init(&m->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	return -err;
}

void mutex_destroy(mutex_t *m)
{
	int err = pthread_mutex_destroy(&m->mutex);

	if (err)
		mutex__die("pthread_mutex_destroy", err);
}

int mutex_cond_wait(mutex_t *m, pthread_cond_t *cond,
		    const struct timespec *deadline)
{
#ifndef NDEBUG
	atomic_store_explicit(&m->owner, (const void *)NULL,
			      memory_order_relaxed);
#endif
	int err = deadline ? pthread_cond_timedwait(cond, &m->mutex, deadline)
			   : pthread_cond_wait(cond, &m->mutex);

#ifndef NDEBUG
	atomic_store_explicit(&m->owner, mutex__self(), memory_order_relaxed);
#endif
	if (err && err != ETIMEDOUT)
		mutex__die(deadline ? "pthread_cond_timedwait"
				    : "pthread_cond_wait",
			   err);
	return -err;
}
