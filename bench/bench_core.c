/* The measurement core of every benchmark binary: main(), the objects, the
 * threads, the clocks. Linked with one adapter (bench.h), whose file holds
 * the timed loop (bench_loop.inc).
 *
 *	bench_POOL --object=small|large [--threads=N] [--reset=len|memset]
 *		   [--ms=100] [--warm-ms=20] [--iterations=N]
 *
 * measures one row: get+return pairs on one pool shared by --threads
 * threads. Each thread first warms up for --warm-ms, then all start
 * together and run the timed loop for --ms (or exactly --iterations pairs
 * each, for callgrind: --toggle-collect=bench_measure). It prints one line:
 *
 *	<wall ns per pair> <CPU ns per pair> <million pairs/s, all threads> <pairs>
 *
 * The ns are per thread (the mean of the threads'). Wall time counts every
 * moment from start to stop, including time the thread waits for the
 * pool's lock, or for a CPU taken by another process; CPU time
 * (CLOCK_THREAD_CPUTIME_ID) only the time the thread ran, in user space or
 * in the kernel (page faults, futex calls).
 *
 *	bench_POOL --describe
 *
 * prints what the adapter says of its pool, for the driver, tab-separated:
 *
 *	<is_pool> <thread_safe> <has_reset> <base or -> <label> <what>
 *
 * The loop always runs in threads made with pthread_create, never in
 * main(): glibc skips the atomic instructions of mutexes and malloc in a
 * process that has never started a thread, which would flatter the mutex
 * pools (m5 here: 18 ns a pair instead of 38), and no concurrent program
 * gets that. With several threads, each is pinned to a CPU of its own
 * (cpu_for).
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET; and POSIX: barriers, clocks */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"

enum {
	MAX_THREADS = 64,
	WARM_CHUNK = 16, /* pairs between two looks at the clock in warm-up */
};

/* Factory calls by this thread (bench_buf_new). */
static _Thread_local size_t made;

/* Print "bench: @what" and, when @err is not 0, its strerror; exit 1. */
__attribute__((noreturn)) static void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s%s%s\n", what, err ? ": " : "",
		err ? strerror(err) : "");
	exit(1);
}

void bench_check(const char *what, int ret)
{
	if (ret < 0)
		die(what, -ret);
}

void *bench_check_ptr(const char *what, void *ptr)
{
	if (!ptr)
		die(what, errno ? errno : ENOMEM);
	return ptr;
}

void *bench_buf_new(void *object)
{
	const struct bench_object *o = object;
	struct bench_buf *buf =
		o->zeroed ? calloc(1, o->size) : malloc(o->size);

	if (!buf)
		return NULL;
	if (o->zeroed) {
		/* Fault every page in, as a user of the buffer would. The
		 * volatile store keeps the compiler from dropping a store of
		 * zero into calloc'ed memory. */
		for (size_t off = 0; off < o->size; off += o->page)
			((volatile unsigned char *)buf)[off] = 0;
	}
	buf->len = 0;
	buf->cap = o->size - sizeof(*buf);
	made++;
	return buf;
}

void bench_buf_reset_len(void *buf, void *object)
{
	(void)object;
	((struct bench_buf *)buf)->len = 0;
}

void bench_buf_reset_memset(void *buf, void *object)
{
	struct bench_buf *b = buf;

	(void)object;
	memset(b->data, 0, b->cap);
	b->len = 0;
}

void bench_buf_free(void *buf, void *object)
{
	(void)object;
	free(buf);
}

void bench_get_failed(void)
{
	die("get", errno);
}

/* One row: what all its threads share. */
struct row {
	void *pool;		 /* the one pool, shared */
	size_t iterations;	 /* pairs per thread; SIZE_MAX: until stop */
	double warm_s;		 /* warm-up per thread, seconds */
	atomic_bool stop;	 /* set by main() after --ms */
	pthread_barrier_t start; /* the workers and main(): warm-up done */
};

/* One thread of a row and its result. */
struct worker {
	struct row *row;    /* the row it runs */
	int cpu;	    /* the CPU it is pinned to; -1: not pinned */
	pthread_t thread;   /* the thread */
	size_t pairs;	    /* pairs done in the timed loop */
	double seconds;	    /* how long they took, wall clock */
	double cpu_seconds; /* CPU time of this thread meanwhile */
	size_t missed;	    /* factory calls in the timed loop */
};

/* The CPU for thread @t of @threads: with several threads, each gets a CPU
 * of its own when there are enough; else the scheduler may run two of them
 * by turns on one CPU, where they never contend (and one pair costs twice
 * the one-thread time, per thread, in wall time). Return: the CPU, or -1
 * to leave the thread unpinned. */
static int cpu_for(long t, long threads)
{
	cpu_set_t allowed;
	long seen = 0;

	if (threads < 2 ||
	    sched_getaffinity(0, sizeof(allowed), &allowed) < 0 ||
	    CPU_COUNT(&allowed) < threads)
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed) && seen++ == t)
			return cpu;
	return -1;
}

/* Return: the time of @clock, in seconds. */
static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Return: the monotonic clock, in seconds. */
static double now(void)
{
	return seconds(CLOCK_MONOTONIC);
}

/* One thread of a row (@arg: its struct worker): pin it, warm up, wait
 * for the others, run the timed loop and record pairs, times and misses.
 * Return: NULL. */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct row *row = w->row;
	double warm_end;

	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			die("sched_setaffinity", errno);
	}
	warm_end = now() + row->warm_s;

	do
		bench_warm(row->pool, WARM_CHUNK);
	while (now() < warm_end);
	pthread_barrier_wait(&row->start);

	size_t made_before = made;
	double cpu0 = seconds(CLOCK_THREAD_CPUTIME_ID), t0 = now();

	w->pairs = bench_measure(row->pool, row->iterations, &row->stop);
	w->seconds = now() - t0;
	w->cpu_seconds = seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	w->missed = made - made_before;
	return NULL;
}

/* --name=value: Return: value, or NULL when @arg is not --name. */
static const char *option(const char *arg, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(arg, "--", 2) || strncmp(arg + 2, name, len) ||
	    arg[2 + len] != '=')
		return NULL;
	return arg + 3 + len;
}

/* Return: @text as a number >= 0; stops naming @what when it is not. */
static long number(const char *text, const char *what)
{
	char *end;

	errno = 0;
	long value = strtol(text, &end, 10);

	if (errno || end == text || *end || value < 0)
		die(what, EINVAL);
	return value;
}

/* Print the options and exit 2. */
__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr,
		"usage: bench_POOL --object=small|large [--threads=N] "
		"[--reset=len|memset] [--ms=N] [--warm-ms=N] [--iterations=N]\n"
		"       bench_POOL --describe\n");
	exit(2);
}

/* The cheap object: 1 KiB from malloc. The expensive one: 1 MiB from
 * calloc, every page written. */
static void set_object(struct bench_object *object, const char *name)
{
	if (!strcmp(name, "small")) {
		object->size = 1024;
		object->zeroed = false;
	} else if (!strcmp(name, "large")) {
		object->size = 1024 * 1024;
		object->zeroed = true;
	} else {
		usage();
	}
}

/* --describe: print bench_adapter for the driver, one tab-separated line. */
static int describe(void)
{
	const struct bench_adapter *a = &bench_adapter;

	printf("%d\t%d\t%d\t%s\t%s\t%s\n", a->is_pool, a->thread_safe,
	       a->has_reset, a->base ? a->base : "-", a->label, a->what);
	return 0;
}

/* Return: the reset callback --reset=@name names; exits 2 for others. */
static bench_reset_fn reset_named(const char *name)
{
	if (!strcmp(name, "len"))
		return bench_buf_reset_len;
	if (!strcmp(name, "memset"))
		return bench_buf_reset_memset;
	usage();
}

/* Parse the options, open the pool, run the row in its threads, print
 * one line. Return: 0; stops with 1 on an error, 2 on a bad option. */
int main(int argc, char **argv)
{
	struct bench_object object = { .page = (size_t)sysconf(_SC_PAGESIZE) };
	struct bench_setup setup = { .object = &object };
	long threads = 1, ms = 100, warm_ms = 20, iterations = 0;

	if (argc == 2 && !strcmp(argv[1], "--describe"))
		return describe();
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;

		if ((v = option(arg, "object")))
			set_object(&object, v);
		else if ((v = option(arg, "reset")))
			setup.reset = reset_named(v);
		else if ((v = option(arg, "threads")))
			threads = number(v, "--threads");
		else if ((v = option(arg, "ms")))
			ms = number(v, "--ms");
		else if ((v = option(arg, "warm-ms")))
			warm_ms = number(v, "--warm-ms");
		else if ((v = option(arg, "iterations")))
			iterations = number(v, "--iterations");
		else
			usage();
	}
	if (!object.size || threads < 1 || threads > MAX_THREADS)
		usage();
	if (threads > 1 && !bench_adapter.thread_safe)
		die("--threads: this pool is for one thread", 0);
	if (setup.reset && !bench_adapter.has_reset)
		die("--reset: this pool has no reset callback", 0);

	struct row row = {
		.pool = bench_open(&setup),
		.iterations = iterations ? (size_t)iterations : SIZE_MAX,
		.warm_s = (double)warm_ms * 1e-3,
	};
	atomic_init(&row.stop, false);
	struct worker workers[MAX_THREADS];
	int err = pthread_barrier_init(&row.start, NULL, (unsigned)threads + 1);

	if (err)
		die("pthread_barrier_init", err);
	for (long t = 0; t < threads; t++) {
		workers[t] = (struct worker){ .row = &row,
					      .cpu = cpu_for(t, threads) };
		err = pthread_create(&workers[t].thread, NULL, work,
				     &workers[t]);
		if (err)
			die("pthread_create", err);
	}
	pthread_barrier_wait(&row.start);
	if (!iterations) {
		struct timespec run = { ms / 1000, ms % 1000 * 1000000 };

		while (nanosleep(&run, &run) < 0 && errno == EINTR)
			;
		atomic_store(&row.stop, true);
	}

	double ns = 0, cpu_ns = 0, slowest = 0;
	size_t pairs = 0;

	for (long t = 0; t < threads; t++) {
		struct worker *w = &workers[t];

		pthread_join(w->thread, NULL);
		if (bench_adapter.is_pool && w->missed)
			die("the pool called its factory in the timed loop", 0);
		if (!w->pairs)
			die("no pair done in the time given", 0);
		ns += w->seconds * 1e9 / (double)w->pairs / (double)threads;
		cpu_ns += w->cpu_seconds * 1e9 / (double)w->pairs /
			  (double)threads;
		pairs += w->pairs;
		if (w->seconds > slowest)
			slowest = w->seconds;
	}
	pthread_barrier_destroy(&row.start);
	bench_close(row.pool);
	printf("%.3f %.3f %.3f %zu\n", ns, cpu_ns,
	       (double)pairs / slowest * 1e-6, pairs);
	return 0;
}
