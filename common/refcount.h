/* refcount - reference counts that abort instead of wrapping.
 *
 * refcount_t is for one thread (m3, m4); refcount_atomic_t may be shared by
 * any number of threads (m5, m6). The rules are the kernel's kref rules:
 *   1. take a reference (inc) before handing the pointer to someone else;
 *   2. drop it (dec_and_test) when done; whoever drops the last one frees;
 *   3. only a holder of a reference may take another: an inc from 0 means
 *      the object is already being freed, and aborts.
 * Counting past SIZE_MAX or dropping below 0 is a bug in the caller: it
 * aborts with a message on stderr rather than freeing twice later.
 *
 * The functions are inline: they sit on the pools' hot paths. The header
 * also compiles as C++ (for the tests), where std::atomic stands in for
 * _Atomic.
 */
#ifndef OBJPOOL_COMMON_REFCOUNT_H
#define OBJPOOL_COMMON_REFCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#include <atomic>
#define REFCOUNT_ATOMIC(type) std::atomic<type>
#define REFCOUNT_STD std::
extern "C" {
#else
#include <stdatomic.h>
#define REFCOUNT_ATOMIC(type) _Atomic(type)
#define REFCOUNT_STD
#endif

/* refcount__die - print "refcount: @what" and abort(). Internal. */
__attribute__((noreturn, cold)) void refcount__die(const char *what);

typedef struct refcount {
	size_t count;
} refcount_t;

typedef struct refcount_atomic {
	REFCOUNT_ATOMIC(size_t) count;
} refcount_atomic_t;

/* Both start at 1: the creator holds the first reference. */
static inline void refcount_init(refcount_t *r)
{
	r->count = 1;
}

static inline size_t refcount_read(const refcount_t *r)
{
	return r->count;
}

static inline void refcount_inc(refcount_t *r)
{
	if (r->count == 0)
		refcount__die("increment from 0 (object already released)");
	if (r->count == SIZE_MAX)
		refcount__die("overflow");
	r->count++;
}

/* Return: true when this was the last reference: the caller frees. */
static inline bool refcount_dec_and_test(refcount_t *r)
{
	if (r->count == 0)
		refcount__die("underflow (released more often than taken)");
	return --r->count == 0;
}

static inline void refcount_atomic_init(refcount_atomic_t *r)
{
	REFCOUNT_STD atomic_init(&r->count, (size_t)1);
}

/* A snapshot: other threads may change it right after. */
static inline size_t refcount_atomic_read(const refcount_atomic_t *r)
{
	return REFCOUNT_STD atomic_load_explicit(
		&r->count, REFCOUNT_STD memory_order_relaxed);
}

/* Relaxed is enough: the caller already holds a reference, so the object
 * cannot go away, and a new reference publishes nothing by itself. */
static inline void refcount_atomic_inc(refcount_atomic_t *r)
{
	size_t old = REFCOUNT_STD atomic_fetch_add_explicit(
		&r->count, (size_t)1, REFCOUNT_STD memory_order_relaxed);

	if (old == 0)
		refcount__die("increment from 0 (object already released)");
	if (old == SIZE_MAX)
		refcount__die("overflow");
}

/* acq_rel: release publishes this thread's writes to the object before
 * the count drops; acquire, taken by the thread that drops the last
 * reference, makes every other holder's writes visible before it frees.
 * (The kernel and Rust's Arc use release plus an acquire fence on the last
 * reference; ThreadSanitizer does not model fences, and on x86 the locked
 * subtract is a full barrier either way.)
 * Return: true when this was the last reference: the caller frees. */
static inline bool refcount_atomic_dec_and_test(refcount_atomic_t *r)
{
	size_t old = REFCOUNT_STD atomic_fetch_sub_explicit(
		&r->count, (size_t)1, REFCOUNT_STD memory_order_acq_rel);

	if (old == 0)
		refcount__die("underflow (released more often than taken)");
	return old == 1;
}

#ifdef __cplusplus
}
#endif

#endif
