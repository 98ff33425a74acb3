/* Milestone 8 starter: write the functions marked UNIMPLEMENTED until
 *	bazel test //m8_bounded:starter_test
 * passes, under --config=tsan too. pool.h (one directory up) says what the
 * pool must do; the README explains the design. Keep the signatures.
 *
 * Given: the slots (one per object in existence, never more than
 * max_total in use), the idle and free lists, claiming and vacating
 * places, validation, lifetimes, eviction, the reports, the statistics.
 * Yours: the line of waiters (grant_locked, wait_locked) and the check
 * that tells a guard the pool lent out from a stale copy, a guard of
 * another pool or garbage (is_loan_locked).
 */
/* clock_gettime, pthread_condattr_setclock: POSIX, not C11;
 * CLOCK_MONOTONIC_COARSE: Linux. */
#define _GNU_SOURCE

#include "m8_bounded/pool.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "common/mutex.h"
#include "common/refcount.h"
#include "common/unimplemented.h"

#define NO_SLOT SIZE_MAX
#define NS_PER_S UINT64_C(1000000000)
#define FOREVER UINT64_MAX /* a deadline that never passes */

/* Where an object's place in the pool stands. */
enum slot_state {
	SLOT_FREE, /* no object; on the free list */
	SLOT_IDLE, /* an idle object; on the idle list */
	SLOT_BUSY, /* inside a pool call: being made, checked, reset,
		      destroyed, or granted to a waiter not yet awake */
	SLOT_OUT,  /* lent out in a guard */
};

/* One place for an object. The slots bound the pool: every object in
 * existence has one, and there are never more than max_total in use. */
struct slot {
	void *obj;	       /* the object; NULL when there is none yet */
	enum slot_state state; /* see above */
	size_t next;	       /* FREE, IDLE: the next slot of its list */
	uint64_t gen;	       /* OUT: the loan, as in its guard */
	uint64_t born_ns;      /* when the factory made obj */
	uint64_t since_ns;     /* IDLE: idle since; OUT: out since */
	const char *file;      /* OUT: where the loan was taken */
	int line;
};

/* A thread waiting in line. It lives on the waiter's stack; the pool
 * reaches it only under the lock. */
struct waiter {
	pthread_cond_t wake; /* signalled once slot is set */
	struct waiter *next; /* the one behind in line */
	size_t slot;	     /* NO_SLOT until granted a BUSY slot */
};

struct pool {
	refcount_atomic_t ref; /* pool_build/pool_ref holders + guards out */
	mutex_t lock;	       /* guards every field down to stats */
	struct slot *slots;    /* nslots places; the array grows */
	size_t nslots;
	size_t idle;	       /* top of the idle stack (last in, first out) */
	size_t free;	       /* head of the free slots */
	struct waiter *head;   /* the longest waiter; NULL: nobody waits */
	struct waiter *tail;   /* the newest waiter */
	uint64_t next_gen;     /* the generation of the next loan */
	uint64_t changed_ns;   /* when stats.allocated last changed */
	double allocated_area; /* allocated integrated over time (ns) */
	pool_stats_t stats;    /* counters; available, total, waiting live */
	/* Set by pool_build, read-only after: */
	uint64_t built_ns;	    /* when pool_build ran */
	pool_factory_fn factory;    /* makes an object, NULL on failure */
	pool_reset_fn reset;	    /* cleans a returned object; NULL: none */
	pool_destroy_fn destroy;    /* frees an object; NULL: nothing to free */
	pool_validate_fn validate;  /* checks an object; NULL: none */
	void *ctx;		    /* passed to the callbacks */
	uint64_t max_wait_ns;	    /* pool_get's wait */
	uint64_t max_lifetime_ns;   /* 0: none */
	uint64_t idle_timeout_ns;   /* 0: none */
	uint64_t leak_threshold_ns; /* 0: off */
	pthread_condattr_t condattr; /* waiters' clock: CLOCK_MONOTONIC */
};

static const pool_guard_t empty_guard = { NULL, NULL, 0, 0 };

/* A condition variable call that fails means memory corruption or a
 * programming error: stop rather than corrupt the pool. */
static void check(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "objpool: %s: %s\n", what, strerror(err));
		abort();
	}
}

/* The lock protects the pool's value, not its identity: it may be taken
 * through a const pointer. A lock or unlock that fails aborts, and in
 * debug builds so does a relock by the holder (common/mutex.h). */
static void lock(const pool_t *pool)
{
	mutex_lock((mutex_t *)&pool->lock);
}

static void unlock(const pool_t *pool)
{
	mutex_unlock((mutex_t *)&pool->lock);
}

/* Nanoseconds on @clock. */
static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* The time for deadlines and waits: CLOCK_MONOTONIC, the clock of the
 * deadlines callers give and of the waiters' condition variables. */
static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The time for the pool's records (ages, idle and out times, the average
 * of objects out): CLOCK_MONOTONIC_COARSE, the same clock a kernel tick
 * (1-4 ms) behind, read in a few ns where CLOCK_MONOTONIC may take 100
 * (a virtual machine without a usable TSC). Read it under the lock, so
 * that recorded times never go backwards. */
static uint64_t stamp_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

pool_t *pool_build(const pool_config_t *config)
{
	if (!config || !config->factory) {
		errno = EINVAL;
		return NULL;
	}
	pool_t *pool = mem_alloc(sizeof(*pool));

	if (!pool)
		return NULL;
	size_t max_size = config->max_size    ? config->max_size
			  : config->max_total ? config->max_total
					      : POOL_DEFAULT_MAX_SIZE;
	*pool = (pool_t){
		.idle = NO_SLOT,
		.free = NO_SLOT,
		.next_gen = 1,
		.stats.max_size = max_size,
		.stats.max_total = config->max_total,
		.factory = config->factory,
		.reset = config->reset,
		.destroy = config->destroy,
		.validate = config->validate,
		.ctx = config->ctx,
		.max_wait_ns = config->max_wait_ns ? config->max_wait_ns
						   : POOL_DEFAULT_MAX_WAIT_NS,
		.max_lifetime_ns = config->max_lifetime_ns,
		.idle_timeout_ns = config->idle_timeout_ns,
		.leak_threshold_ns = config->leak_threshold_ns,
	};
	int err = mutex_init(&pool->lock);

	if (err) {
		mem_free(pool);
		errno = -err;
		return NULL;
	}
	check(pthread_condattr_init(&pool->condattr), "pthread_condattr_init");
	check(pthread_condattr_setclock(&pool->condattr, CLOCK_MONOTONIC),
	      "pthread_condattr_setclock");
	refcount_atomic_init(&pool->ref);
	pool->built_ns = pool->changed_ns = stamp_ns();
	return pool;
}

pool_t *pool_ref(pool_t *pool)
{
	if (pool)
		refcount_atomic_inc(&pool->ref);
	return pool;
}

static void destroy(pool_t *pool, void *obj)
{
	assert(!mutex_held(&pool->lock) &&
	       "destroy runs without the pool's lock");
	if (pool->destroy)
		pool->destroy(obj, pool->ctx);
}

void pool_unref(pool_t *pool)
{
	if (!pool || !refcount_atomic_dec_and_test(&pool->ref))
		return;
	/* The last reference: no guard is out, nobody waits, no other
	 * thread can reach the pool any more. */
	assert(!mutex_held(&pool->lock) && "the last reference is dropped with "
					   "the lock held: unlock first");
	assert(pool->stats.allocated == 0 && !pool->head);
	for (size_t i = pool->idle; i != NO_SLOT; i = pool->slots[i].next)
		destroy(pool, pool->slots[i].obj);
	mem_free(pool->slots);
	pthread_condattr_destroy(&pool->condattr);
	mutex_destroy(&pool->lock);
	mem_free(pool);
}

/* Call the factory. Return: the object (errno as it was), or NULL with
 * errno set.
 * Context: the lock is not held. */
static void *create(pool_t *pool)
{
	assert(!mutex_held(&pool->lock) &&
	       "the factory runs without the pool's lock");
	int saved = errno;

	errno = 0;
	void *obj = pool->factory(pool->ctx);

	if (obj)
		errno = saved; /* a success leaves errno as it was */
	else if (errno == 0)
		errno = ENOMEM;
	return obj;
}

/* Have free slots for @extra more objects than exist: when there are too
 * few, grow to twice as many (at least enough), at most max_total in all.
 * Return: 0; -EOVERFLOW when the slots for them all could not even be
 * addressed, or -ENOMEM (nothing changed either way).
 * Context: the lock is held. */
static int reserve_slots_locked(pool_t *pool, size_t extra)
{
	assert(mutex_held(&pool->lock));
	size_t n = pool->nslots;
	size_t used = pool->stats.total; /* the slots not free */

	if (extra <= n - used)
		return 0;
	if (extra > SIZE_MAX / sizeof(struct slot) - used)
		return -EOVERFLOW;
	/* n slots fit in memory, so 2n + 8 cannot wrap. */
	size_t want = used + extra > 2 * n + 8 ? used + extra : 2 * n + 8;

	if (pool->stats.max_total && want > pool->stats.max_total)
		want = pool->stats.max_total;
	struct slot *grown =
		mem_realloc_array(pool->slots, want, sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	for (size_t i = want; i-- > n;) {
		grown[i] =
			(struct slot){ .state = SLOT_FREE, .next = pool->free };
		pool->free = i;
	}
	pool->slots = grown;
	pool->nslots = want;
	return 0;
}

/* Claim a place for a new object.
 * Return: the slot, BUSY and empty, with *@err 0; or NO_SLOT with *@err
 * -EAGAIN (max_total objects exist) or -ENOMEM.
 * Context: the lock is held. */
static size_t claim_locked(pool_t *pool, int *err)
{
	assert(mutex_held(&pool->lock));
	pool_stats_t *s = &pool->stats;

	*err = s->max_total && s->total >= s->max_total ? -EAGAIN : 0;
	if (*err == 0 && pool->free == NO_SLOT)
		*err = reserve_slots_locked(pool, 1);
	if (*err < 0)
		return NO_SLOT;
	size_t i = pool->free;

	pool->free = pool->slots[i].next;
	pool->slots[i].state = SLOT_BUSY;
	s->total++;
	return i;
}

/* Give BUSY slot @i, with its object or without, to the longest waiter.
 * Return: true when somebody waited; false: nothing changed.
 * Context: the lock is held. */
static bool grant_locked(pool_t *pool, size_t i)
{
	UNIMPLEMENTED("the longest waiter, if any, gets BUSY slot i (with its "
		      "object or without) and wakes up; false, and nothing "
		      "changed, when nobody waits");
	(void)pool;
	(void)i;
	return false;
}

/* BUSY slot @i has lost its object (destroyed or taken): the place goes
 * to the longest waiter, or back to the free list.
 * Context: the lock is held. */
static void vacate_locked(pool_t *pool, size_t i)
{
	assert(mutex_held(&pool->lock));
	struct slot *sl = &pool->slots[i];

	sl->obj = NULL;
	if (grant_locked(pool, i))
		return;
	sl->state = SLOT_FREE;
	sl->next = pool->free;
	pool->free = i;
	pool->stats.total--;
}

/* A claimed, empty slot while the factory runs for it. */
struct making {
	pool_t *pool; /* NULL once the factory has returned */
	size_t slot;  /* the place claimed */
	bool get;     /* made for a get (not a preallocation) */
};

/* The cleanup of a struct making: when the factory did not return (a C++
 * exception unwinds through this C code, built with -fexceptions), give
 * the place on, and count the get as a miss and a failure.
 * Context: the lock is not held; takes it. */
static void unwound(struct making *m)
{
	if (!m->pool)
		return;
	lock(m->pool);
	if (m->get) {
		m->pool->stats.gets++;
		m->pool->stats.misses++;
		m->pool->stats.failures++;
	}
	vacate_locked(m->pool, m->slot);
	unlock(m->pool);
}

/* Call the factory for the claimed, empty slot @i; should it throw, the
 * place passes on (and a @get is counted) before the exception goes on.
 * Return: as create().
 * Context: the lock is not held. */
static void *make_in(pool_t *pool, size_t i, bool get)
{
	struct making m __attribute__((cleanup(unwound))) = { pool, i, get };
	void *obj = create(pool);

	m.pool = NULL;
	return obj;
}

/* BUSY slot @i holds an object ready for reuse: it goes to the longest
 * waiter, or onto the idle list.
 * Return: true; false when max_size objects are idle already (nothing
 * changed: the caller destroys the object).
 * Context: the lock is held. */
static bool shelve_locked(pool_t *pool, size_t i, uint64_t now)
{
	assert(mutex_held(&pool->lock));
	struct slot *sl = &pool->slots[i];

	sl->since_ns = now; /* a handed-over object was idle for no time */
	if (grant_locked(pool, i))
		return true;
	if (pool->stats.available >= pool->stats.max_size)
		return false;
	sl->state = SLOT_IDLE;
	sl->next = pool->idle;
	pool->idle = i;
	pool->stats.available++;
	return true;
}

/* Take the most recently idle object's slot (it becomes BUSY).
 * Return: the slot, NO_SLOT when none is idle.
 * Context: the lock is held. */
static size_t pop_idle_locked(pool_t *pool)
{
	assert(mutex_held(&pool->lock));
	size_t i = pool->idle;

	if (i != NO_SLOT) {
		pool->idle = pool->slots[i].next;
		pool->slots[i].state = SLOT_BUSY;
		pool->stats.available--;
	}
	return i;
}

/* Whether @sl's object is past max_lifetime_ns at @now. */
static bool too_old(const pool_t *pool, const struct slot *sl, uint64_t now)
{
	return pool->max_lifetime_ns &&
	       now - sl->born_ns >= pool->max_lifetime_ns;
}

/* Why @sl's object (idle, or handed over, since sl->since_ns) must be
 * destroyed at @now rather than used.
 * Return: the counter of that cause in pool->stats, NULL when it is fine.
 * Context: the lock is held. */
static size_t *expired_locked(pool_t *pool, const struct slot *sl, uint64_t now)
{
	assert(mutex_held(&pool->lock));
	if (too_old(pool, sl, now))
		return &pool->stats.evicted_lifetime;
	if (pool->idle_timeout_ns &&
	    now - sl->since_ns >= pool->idle_timeout_ns)
		return &pool->stats.evicted_idle;
	return NULL;
}

/* Destroy @obj, the object of BUSY slot @i, count it in *@counter (a
 * field of pool->stats) and give the place on.
 * Context: the lock is not held; takes it. */
static void retire(pool_t *pool, size_t i, void *obj, size_t *counter)
{
	destroy(pool, obj);
	lock(pool);
	(*counter)++;
	vacate_locked(pool, i);
	unlock(pool);
}

/* Move the integral of allocated over time up to @now (before allocated
 * changes). Context: the lock is held. */
static void account_locked(pool_t *pool, uint64_t now)
{
	assert(mutex_held(&pool->lock));
	pool->allocated_area += (double)pool->stats.allocated *
				(double)(now - pool->changed_ns);
	pool->changed_ns = now;
}

int pool_preallocate(pool_t *pool, size_t count)
{
	if (!pool)
		return -EINVAL;
	lock(pool);
	pool_stats_t *s = &pool->stats;
	bool room = count <= s->max_size - s->available &&
		    (!s->max_total || count <= s->max_total - s->total);
	/* Places for them all before the first is made: a count that cannot
	 * fit in memory is refused now, not once memory has run out. */
	int err = room ? reserve_slots_locked(pool, count) : 0;

	unlock(pool);
	if (!room)
		return -ENOSPC;
	if (err < 0)
		return err;
	for (size_t k = 0; k < count; k++) {
		lock(pool);
		size_t i = claim_locked(pool, &err);

		unlock(pool);
		if (err < 0)
			return err == -EAGAIN ? -ENOSPC : err;
		void *obj = make_in(pool, i, false);

		err = obj ? 0 : -errno;
		lock(pool);
		uint64_t now = stamp_ns();
		bool kept = false;

		if (obj) {
			pool->slots[i].obj = obj;
			pool->slots[i].born_ns = now;
			s->created_count++;
			kept = shelve_locked(pool, i, now);
		} else {
			vacate_locked(pool, i);
		}
		unlock(pool);
		if (err < 0)
			return err;
		if (!kept)
			retire(pool, i, obj, &s->destroyed_count);
	}
	return 0;
}

/* Remove @w from the line (it gave up).
 * Context: the lock is held. */
static void leave_line_locked(pool_t *pool, struct waiter *w)
{
	assert(mutex_held(&pool->lock));
	struct waiter *prev = NULL;

	while (prev ? prev->next != w : pool->head != w)
		prev = prev ? prev->next : pool->head;
	if (prev)
		prev->next = w->next;
	else
		pool->head = w->next;
	if (pool->tail == w)
		pool->tail = prev;
	pool->stats.waiting--;
}

/* How long a get may wait. */
struct patience {
	uint64_t until;	 /* the deadline, ns on CLOCK_MONOTONIC; FOREVER:
			    none; 0: do not wait */
	uint64_t for_ns; /* not 0: wait this long from the start of the
			    wait instead (pool_get: no clock read unless it
			    must wait) */
	int give_up;	 /* the error when the time is up: ETIMEDOUT,
			    EAGAIN */
};

/* Wait at the end of the line until a slot is granted, or until the
 * deadline of @p.
 * Return: 0 with the granted slot (BUSY) in *@slot; -give_up when the
 * deadline passed first (or had passed: then it does not wait).
 * Context: the lock is held; released while asleep. */
static int wait_locked(pool_t *pool, const struct patience *p, size_t *slot)
{
	UNIMPLEMENTED(
		"wait in line, behind everyone already there, until a slot "
		"is granted or p's deadline passes; no wakeup may be lost; "
		"count waits, waiting, peak_waiting, timeouts and the time "
		"waited");
	(void)leave_line_locked; /* given: for a waiter who gives up */
	(void)now_ns;		 /* the clock of deadlines and waits */
	(void)pool;
	(void)p;
	*slot = NO_SLOT;
	return -ENOSYS;
}

/* Find a slot for a get: an idle object's, or a new place, when nobody
 * waits; else wait in line for one as long as @p allows.
 * Return: 0 with a BUSY slot in *@slot (with an object or without);
 * -p->give_up when the time is up; -ENOMEM.
 * Context: the lock is held; released while asleep. */
static int take_locked(pool_t *pool, const struct patience *p, size_t *slot)
{
	assert(mutex_held(&pool->lock));
	/* Idle objects and free places exist only while nobody waits:
	 * releases and destroys hand them to waiters first. */
	if (!pool->head) {
		int err;

		*slot = pop_idle_locked(pool);
		if (*slot != NO_SLOT)
			return 0;
		*slot = claim_locked(pool, &err);
		if (err != -EAGAIN)
			return err;
	}
	return wait_locked(pool, p, slot);
}

/* Lend BUSY slot @i's object out, taken at @file:@line.
 * Return: the loan's generation.
 * Context: the lock is held. */
static uint64_t lend_locked(pool_t *pool, size_t i, uint64_t now,
			    const char *file, int line)
{
	assert(mutex_held(&pool->lock));
	struct slot *sl = &pool->slots[i];
	pool_stats_t *s = &pool->stats;

	account_locked(pool, now);
	if (++s->allocated > s->peak_allocated)
		s->peak_allocated = s->allocated;
	sl->state = SLOT_OUT;
	sl->gen = pool->next_gen++;
	sl->since_ns = now;
	sl->file = file ? file : "?";
	sl->line = line;
	return sl->gen;
}

/* The get behind every get: take a slot (waiting as long as @p allows),
 * check the object in it or make one, lend it.
 * Context: takes the lock; calls the callbacks without it. */
static pool_guard_t get(pool_t *pool, const struct patience *p,
			const char *file, int line)
{
	size_t i;
	void *obj = NULL;
	bool hit = false;

	lock(pool);
	int err = take_locked(pool, p, &i);
	uint64_t now = stamp_ns();

	while (err == 0 && (obj = pool->slots[i].obj)) {
		size_t *expired = expired_locked(pool, &pool->slots[i], now);

		hit = !expired && !pool->validate;
		if (hit)
			break;
		unlock(pool);
		assert(!mutex_held(&pool->lock) &&
		       "validate runs without the pool's lock");
		hit = !expired && pool->validate(obj, pool->ctx);
		if (!hit)
			destroy(pool, obj);
		lock(pool);
		now = stamp_ns();
		if (hit)
			break;
		(*(expired ? expired : &pool->stats.validation_failures))++;
		pool->slots[i].obj = obj = NULL;
		if (pool->idle == NO_SLOT)
			break; /* keep the place: make a new object in it */
		/* Nobody waits (an object is idle): try that one. */
		vacate_locked(pool, i);
		i = pop_idle_locked(pool);
	}
	if (err == 0 && !obj) {
		/* An empty place: make an object, without the lock. */
		unlock(pool);
		obj = make_in(pool, i, true);
		err = obj ? 0 : -errno;
		lock(pool);
		now = stamp_ns();
		if (obj) {
			pool->slots[i].obj = obj;
			pool->slots[i].born_ns = now;
			pool->stats.created_count++;
		} else {
			vacate_locked(pool, i); /* the next waiter tries */
		}
	}
	pool->stats.gets++; /* counted as it ends, with its hit or miss */
	pool->stats.hits += hit;
	pool->stats.misses += !hit;
	if (err < 0) {
		pool->stats.failures++;
		unlock(pool);
		errno = -err;
		return empty_guard;
	}
	uint64_t gen = lend_locked(pool, i, now, file, line);

	unlock(pool);
	return (pool_guard_t){ pool_ref(pool), obj, i, gen };
}

pool_guard_t pool_get_until_at(pool_t *pool, const struct timespec *deadline,
			       const char *file, int line)
{
	struct patience p = { .until = FOREVER, .give_up = ETIMEDOUT };

	if (deadline &&
	    (deadline->tv_nsec < 0 || deadline->tv_nsec >= (long)NS_PER_S)) {
		errno = EINVAL;
		return empty_guard;
	}
	if (deadline && deadline->tv_sec < 0)
		p.until = 0;
	else if (deadline &&
		 (uint64_t)deadline->tv_sec < FOREVER / NS_PER_S - 1)
		p.until = (uint64_t)deadline->tv_sec * NS_PER_S +
			  (uint64_t)deadline->tv_nsec;
	if (!pool) {
		errno = EINVAL;
		return empty_guard;
	}
	return get(pool, &p, file, line);
}

pool_guard_t pool_get_at(pool_t *pool, const char *file, int line)
{
	if (!pool) {
		errno = EINVAL;
		return empty_guard;
	}
	struct patience p = { .for_ns = pool->max_wait_ns,
			      .give_up = ETIMEDOUT };

	return get(pool, &p, file, line);
}

pool_guard_t pool_try_get_at(pool_t *pool, const char *file, int line)
{
	struct patience p = { .until = 0, .give_up = EAGAIN };

	if (!pool) {
		errno = EINVAL;
		return empty_guard;
	}
	return get(pool, &p, file, line);
}

/* Whether @loan is a loan of @pool as it lent it: its slot is out, with
 * that generation and that object. A stale copy of a released guard fails
 * on the state or the generation (the slot is idle, or lent again), a
 * guard of another pool or garbage on any of the three.
 * Context: the lock is held. */
static bool is_loan_locked(const pool_t *pool, const pool_guard_t *loan)
{
	UNIMPLEMENTED(
		"true only for a loan this pool lent out and that is still "
		"out, as the guard says: its slot, generation and object");
	(void)pool;
	(void)loan;
	return false;
}

/* Empty *@guard and end its loan: the slot becomes BUSY, the object no
 * longer out. A guard that is not a loan of its pool as lent (stale,
 * foreign, garbage) is counted and changes nothing else.
 * Return: the pool, its lock held, with the loan in *@loan and the time
 * in *@now; NULL when there is nothing more to do (lock not held).
 * Context: takes the lock. */
static pool_t *end_loan(pool_guard_t *guard, pool_guard_t *loan, uint64_t *now)
{
	if (!guard)
		return NULL;
	*loan = *guard;
	*guard = empty_guard;
	pool_t *pool = loan->pool;

	if (!pool || !loan->obj)
		return NULL;
	lock(pool);
	if (!is_loan_locked(pool, loan)) {
		pool->stats.bad_releases++;
		unlock(pool);
		return NULL;
	}
	*now = stamp_ns();
	account_locked(pool, *now);
	pool->stats.allocated--;
	pool->slots[loan->slot].state = SLOT_BUSY;
	return pool;
}

void pool_guard_release(pool_guard_t *guard)
{
	pool_guard_t loan;
	uint64_t now;
	pool_t *pool = end_loan(guard, &loan, &now);

	if (!pool)
		return;
	size_t i = loan.slot;
	bool old = too_old(pool, &pool->slots[i], now);

	if (!old && pool->reset) {
		unlock(pool);
		assert(!mutex_held(&pool->lock) &&
		       "reset runs without the pool's lock");
		pool->reset(loan.obj, pool->ctx);
		lock(pool);
	}
	bool kept = !old && shelve_locked(pool, i, now);

	unlock(pool);
	if (!kept)
		retire(pool, i, loan.obj,
		       old ? &pool->stats.evicted_lifetime
			   : &pool->stats.destroyed_count);
	pool_unref(pool);
}

void pool_guard_discard(pool_guard_t *guard)
{
	pool_guard_t loan;
	uint64_t now;
	pool_t *pool = end_loan(guard, &loan, &now);

	if (!pool)
		return;
	unlock(pool);
	retire(pool, loan.slot, loan.obj, &pool->stats.discarded);
	pool_unref(pool);
}

void *pool_guard_take(pool_guard_t *guard)
{
	pool_guard_t loan;
	uint64_t now;
	pool_t *pool = end_loan(guard, &loan, &now);

	if (!pool)
		return NULL;
	vacate_locked(pool, loan.slot);
	unlock(pool);
	pool_unref(pool);
	return loan.obj;
}

size_t pool_evict(pool_t *pool)
{
	size_t evicted = 0;

	while (pool) {
		lock(pool);
		uint64_t now = stamp_ns();
		size_t *cause = NULL;
		size_t *link = &pool->idle;

		/* The first expired idle object, unlinked. */
		while (*link != NO_SLOT &&
		       !(cause = expired_locked(pool, &pool->slots[*link],
						now)))
			link = &pool->slots[*link].next;
		size_t i = *link;
		void *obj = NULL;

		if (i != NO_SLOT) {
			*link = pool->slots[i].next;
			pool->slots[i].state = SLOT_BUSY;
			pool->stats.available--;
			obj = pool->slots[i].obj;
		}
		unlock(pool);
		if (i == NO_SLOT)
			break;
		retire(pool, i, obj, cause);
		evicted++;
	}
	return evicted;
}

/* Whether slot @sl is a loan out longer than leak_threshold_ns at @now. */
static bool leaking(const pool_t *pool, const struct slot *sl, uint64_t now)
{
	return pool->leak_threshold_ns && sl->state == SLOT_OUT &&
	       now - sl->since_ns > pool->leak_threshold_ns;
}

/* How many loans are suspected leaks at @now.
 * Context: the lock is held. */
static size_t leaks_locked(const pool_t *pool, uint64_t now)
{
	assert(mutex_held(&pool->lock));
	size_t n = 0;

	for (size_t i = 0; i < pool->nslots; i++)
		n += leaking(pool, &pool->slots[i], now);
	return n;
}

pool_stats_t pool_stats(const pool_t *pool)
{
	pool_stats_t s = { 0 };

	if (pool) {
		lock(pool);
		uint64_t now = stamp_ns();
		uint64_t span = now - pool->built_ns;
		double area = pool->allocated_area +
			      (double)pool->stats.allocated *
				      (double)(now - pool->changed_ns);

		s = pool->stats;
		s.suspected_leaks = leaks_locked(pool, now);
		s.avg_allocated =
			span ? area / (double)span : (double)s.allocated;
		unlock(pool);
	}
	return s;
}

size_t pool_available(const pool_t *pool)
{
	return pool_stats(pool).available;
}

size_t pool_allocated(const pool_t *pool)
{
	return pool_stats(pool).allocated;
}

size_t pool_created_count(const pool_t *pool)
{
	return pool_stats(pool).created_count;
}

size_t pool_len(const pool_t *pool)
{
	return pool_available(pool);
}

/* part / whole, 0 when whole is 0. */
static double ratio(double part, double whole)
{
	return whole != 0.0 ? part / whole : 0.0;
}

double pool_stats_hit_rate(const pool_stats_t *stats)
{
	return stats ? ratio((double)stats->hits, (double)stats->gets) : 0.0;
}

double pool_stats_miss_rate(const pool_stats_t *stats)
{
	return stats ? ratio((double)stats->misses, (double)stats->gets) : 0.0;
}

/* A report being written with snprintf semantics. */
struct report {
	char *buf;   /* where; NULL when only measuring */
	size_t size; /* bytes at buf */
	size_t len;  /* the length of the whole report so far */
	bool failed; /* a format failed (cannot happen with ours) */
};

/* Append to @r: format at buf + len, or only measure once buf is full. */
__attribute__((format(printf, 2, 3))) static void append(struct report *r,
							 const char *fmt, ...)
{
	size_t done = r->len < r->size ? r->len : r->size;
	va_list ap;

	va_start(ap, fmt);
	int more = vsnprintf(r->buf ? r->buf + done : NULL, r->size - done, fmt,
			     ap);

	va_end(ap);
	if (more < 0)
		r->failed = true;
	else
		r->len += (size_t)more;
}

/* Return: the length of report @r; -EOVERFLOW when it failed or is longer
 * than an int holds. */
static int finish(const struct report *r)
{
	return r->failed || r->len > INT_MAX ? -EOVERFLOW : (int)r->len;
}

/* The pool keeps fewer objects than its load needs: returned objects were
 * destroyed for want of room, and more objects than max_size were out at
 * once (a destroy without that peak comes from a pool_preallocate racing
 * with returns, and raising max_size would not help). */
static bool too_small(const pool_stats_t *s)
{
	return s->destroyed_count > 0 && s->peak_allocated > s->max_size;
}

/* max_total is too small for the load: a get gave up, or more than one
 * get in ten had to wait. */
static bool too_few(const pool_stats_t *s)
{
	return s->max_total && (s->timeouts > 0 || s->waits * 10 > s->gets);
}

/* Milliseconds in @ns. */
static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

int pool_stats_report(const pool_t *pool, char *buf, size_t size)
{
	if (!pool || (!buf && size > 0))
		return -EINVAL;
	pool_stats_t s = pool_stats(pool);
	double hit = 100.0 * pool_stats_hit_rate(&s);
	struct report r = { .buf = buf, .size = size };

	append(&r,
	       "Pool Statistics:\n"
	       "- Total gets: %zu\n"
	       "- Hits: %zu (%.1f%%)\n"
	       "- Misses: %zu (%.1f%%)\n"
	       "- Hit rate: %.1f%%\n"
	       "- Created: %zu\n"
	       "- Destroyed (pool full): %zu\n"
	       "- Failed gets: %zu\n"
	       "- Peak allocated: %zu\n"
	       "- Current allocated: %zu\n"
	       "- Available: %zu\n"
	       "- Avg allocated: %.1f\n",
	       s.gets, s.hits, hit, s.misses, 100.0 * pool_stats_miss_rate(&s),
	       hit, s.created_count, s.destroyed_count, s.failures,
	       s.peak_allocated, s.allocated, s.available, s.avg_allocated);
	if (s.max_total)
		append(&r, "- Total: %zu of %zu\n", s.total, s.max_total);
	else
		append(&r, "- Total: %zu\n", s.total);
	append(&r,
	       "- Waits: %zu (avg %.1f ms, max %.1f ms)\n"
	       "- Timeouts: %zu\n"
	       "- Waiting: %zu (peak %zu)\n"
	       "- Validation failures: %zu\n"
	       "- Discarded: %zu\n"
	       "- Evicted: %zu (lifetime), %zu (idle)\n"
	       "- Suspected leaks: %zu\n"
	       "- Bad releases: %zu\n",
	       s.waits, ratio(ms(s.wait_ns_total), (double)s.waits),
	       ms(s.wait_ns_max), s.timeouts, s.waiting, s.peak_waiting,
	       s.validation_failures, s.discarded, s.evicted_lifetime,
	       s.evicted_idle, s.suspected_leaks, s.bad_releases);
	if (too_small(&s))
		append(&r,
		       "- Recommendation: raise max_size from %zu to %zu (the "
		       "peak); %zu %s destroyed because the pool was full\n",
		       s.max_size, s.peak_allocated, s.destroyed_count,
		       s.destroyed_count == 1 ? "object was" : "objects were");
	if (too_few(&s))
		append(&r,
		       "- Recommendation: raise max_total from %zu to %zu; "
		       "gets that gave up: %zu, that waited: %zu of %zu, "
		       "most waiting at once: %zu\n",
		       s.max_total,
		       s.max_total + (s.peak_waiting ? s.peak_waiting : 1),
		       s.timeouts, s.waits, s.gets, s.peak_waiting);
	return finish(&r);
}

int pool_leaks_report(const pool_t *pool, char *buf, size_t size)
{
	if (!pool || (!buf && size > 0))
		return -EINVAL;
	struct report r = { .buf = buf, .size = size };

	if (!pool->leak_threshold_ns) {
		append(&r, "Suspected leaks: not tracked (leak_threshold_ns is "
			   "0)\n");
		return finish(&r);
	}
	lock(pool);
	uint64_t now = stamp_ns();

	append(&r, "Suspected leaks (out longer than %.1f ms): %zu\n",
	       ms(pool->leak_threshold_ns), leaks_locked(pool, now));
	for (size_t i = 0; i < pool->nslots; i++) {
		const struct slot *sl = &pool->slots[i];

		if (leaking(pool, sl, now))
			append(&r, "- %p out for %.1f ms, taken at %s:%d\n",
			       sl->obj, ms(now - sl->since_ns), sl->file,
			       sl->line);
	}
	unlock(pool);
	return finish(&r);
}
