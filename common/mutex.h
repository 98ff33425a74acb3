/* mutex - a pthread mutex that stops the program on misuse, and says why.
 *
 * A pool's lock must not fail: mutex_lock, mutex_unlock and mutex_destroy
 * return nothing, and abort with a message on stderr when pthreads
 * reports an error (destroying a held mutex is one).
 *
 * In debug builds (NDEBUG undefined: the default build and every test
 * configuration) the mutex is PTHREAD_MUTEX_ERRORCHECK and records which
 * thread holds it (libuv does the same), so that
 *   - a thread that locks it twice is stopped at once, with the likely
 *     causes named, instead of deadlocking;
 *   - unlocking it without holding it is stopped;
 *   - mutex_held() lets a function that needs the lock check that its
 *     caller holds it: assert(mutex_held(&pool->lock)) (SQLite's
 *     sqlite3_mutex_held). It exists only in debug builds: call it from
 *     assert() only.
 * With NDEBUG (bazel -c opt) it is a default pthread mutex and nothing
 * more.
 *
 *	mutex_t lock;
 *	int err = mutex_init(&lock);	// 0 or a negative errno
 *	mutex_lock(&lock); ... mutex_unlock(&lock);
 *	mutex_destroy(&lock);
 */
#ifndef OBJPOOL_COMMON_MUTEX_H
#define OBJPOOL_COMMON_MUTEX_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "common/must_check.h"

/* The header also compiles as C++ (for the tests), where std::atomic
 * stands in for _Atomic. */
#ifdef __cplusplus
#include <atomic>
#define MUTEX__ATOMIC(type) std::atomic<type>
#define MUTEX__STD std::
extern "C" {
#else
#include <stdatomic.h>
#define MUTEX__ATOMIC(type) _Atomic(type)
#define MUTEX__STD
#endif

typedef struct mutex {
	pthread_mutex_t mutex;
#ifndef NDEBUG
	/* The holder's mutex__self(), NULL when unlocked. Written by the
	 * holder only; atomic because any thread may read it. */
	MUTEX__ATOMIC(const void *) owner;
#endif
} mutex_t;

/* mutex__die - print "objpool: @what: @err's text", the likely causes of
 * @err, and abort(). Internal. */
__attribute__((noreturn, cold)) void mutex__die(const char *what, int err);

#ifndef NDEBUG
/* mutex__self - an address that is the calling thread's own while it
 * lives (that of a thread-local variable). Internal. */
const void *mutex__self(void);
#endif

/* mutex_init - an unlocked mutex, error-checking in debug builds.
 * Return: 0; -ENOMEM, -EAGAIN when the system lacks resources; or
 * whatever else pthread_mutexattr_* or pthread_mutex_init report, negated
 * (-EINVAL, which glibc does not report for these arguments). */
OBJPOOL_MUST_CHECK int mutex_init(mutex_t *m);

/* mutex_destroy - release what mutex_init took. Aborts when @m is held. */
void mutex_destroy(mutex_t *m);

/* mutex_lock - wait for @m and take it. Aborts on error; in debug builds,
 * when this thread already holds it. */
static inline void mutex_lock(mutex_t *m)
{
	int err = pthread_mutex_lock(&m->mutex);

	if (err)
		mutex__die("pthread_mutex_lock", err);
#ifndef NDEBUG
	MUTEX__STD atomic_store_explicit(&m->owner, mutex__self(),
					 MUTEX__STD memory_order_relaxed);
#endif
}

/* mutex_unlock - release @m. Aborts on error; in debug builds, when this
 * thread does not hold it. */
static inline void mutex_unlock(mutex_t *m)
{
#ifndef NDEBUG
	MUTEX__STD atomic_store_explicit(&m->owner, (const void *)NULL,
					 MUTEX__STD memory_order_relaxed);
#endif
	int err = pthread_mutex_unlock(&m->mutex);

	if (err)
		mutex__die("pthread_mutex_unlock", err);
}

/* mutex_cond_wait - sleep on @cond, releasing @m (which the caller holds)
 * until @cond is signalled or the absolute time @deadline, on @cond's
 * clock, passes (NULL: no deadline); @m is held again on return, and in
 * debug builds recorded as held by this thread again. Spurious wakeups
 * happen: check the condition in a loop.
 * Return: 0, or -ETIMEDOUT when @deadline passed. Aborts on any other
 * error. */
int mutex_cond_wait(mutex_t *m, pthread_cond_t *cond,
		    const struct timespec *deadline);

#ifndef NDEBUG
/* mutex_held - whether the calling thread holds @m. For assert() only. */
static inline bool mutex_held(const mutex_t *m)
{
	return MUTEX__STD atomic_load_explicit(
		       &m->owner, MUTEX__STD memory_order_relaxed) ==
	       mutex__self();
}
#endif

#ifdef __cplusplus
}
#endif

#endif
