/* The benchmark driver: bazel run -c opt //bench [-- options]
 *
 * Runs every row of the table --runs times, each run a fresh process of
 * one benchmark binary (bench_malloc, bench_m1 .. bench_m6, from the
 * runfiles), the rows interleaved so that a noisy moment hits them all
 * alike; then prints, per row, the median ns per get+return pair and its
 * ratios. With --callgrind it also counts the instructions per pair of the
 * one-thread rows under valgrind --tool=callgrind.
 *
 *	--runs=N      runs per row (default 7)
 *	--ms=N        timed milliseconds per run (default 100)
 *	--warm-ms=N   warm-up milliseconds per run (default 20)
 *	--iterations=N  instead of timing: exactly N pairs per thread and
 *	              run (for the smoke test: no clock in its verdict)
 *	--callgrind   add an instructions-per-pair column
 */
#define _POSIX_C_SOURCE 200809L /* posix_spawn, readlink */

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { MAX_RUNS = 99 };

enum object { SMALL, LARGE, N_OBJECTS };

static const char *const object_arg[N_OBJECTS] = { "small", "large" };
static const char *const object_title[N_OBJECTS] = {
	"Cheap object: a 1 KiB buffer. Factory: malloc(1 KiB).",
	"Expensive object: a zeroed 1 MiB buffer. Factory: calloc(1 MiB) and a "
	"write to each of its 256 pages.",
};

enum row_id { MALLOC, M1, M2, M3, M4, M5, M6, MALLOC_2T, M5_2T, M6_2T, M6_MEMSET, N_ROWS };

/* A row of the table. */
static const struct row {
	const char *prog;  /* the benchmark binary */
	const char *name;  /* short, for the "added" column */
	const char *what;  /* the table's first column */
	int threads;	   /* threads sharing the one pool */
	const char *reset; /* --reset= for the pool, or NULL */
	int base;	   /* the row this one adds a feature to, or -1 */
	bool large_only;   /* a row for the expensive object only */
} rows[N_ROWS] = {
	[MALLOC] = { "bench_malloc", "no pool", "no pool: factory + free each time", 1, NULL, -1, false },
	[M1] = { "bench_m1", "m1", "m1 vec pool: pool_get + pool_return", 1, NULL, -1, false },
	[M2] = { "bench_m2", "m2", "m2 + guard", 1, NULL, M1, false },
	[M3] = { "bench_m3", "m3", "m3 + refcount, grow on demand", 1, NULL, M2, false },
	[M4] = { "bench_m4", "m4", "m4 + reset callback (len = 0)", 1, "len", M3, false },
	[M5] = { "bench_m5", "m5", "m5 + mutex, atomic refcount", 1, "len", M4, false },
	[M6] = { "bench_m6", "m6", "m6 + statistics", 1, "len", M5, false },
	[MALLOC_2T] = { "bench_malloc", "no pool", "no pool, 2 threads", 2, NULL, MALLOC, false },
	[M5_2T] = { "bench_m5", "m5", "m5, 2 threads share the pool", 2, "len", M5, false },
	[M6_2T] = { "bench_m6", "m6", "m6, 2 threads share the pool", 2, "len", M6, false },
	[M6_MEMSET] = { "bench_m6", "m6", "m6, reset = memset(1 MiB) instead", 1, "memset", M6, true },
};

/* What the runs of one row measured. The ns of a one-thread row are the
 * thread's CPU time: what the pool costs, whatever else the machine runs.
 * With two threads, waiting for the other thread is part of the cost, so
 * they are wall-clock time, per thread. */
struct result {
	double ns[MAX_RUNS]; /* ns per pair per thread, one per run */
	double median;	     /* of ns[] */
	double min, max;     /* of ns[] */
	double instr;	     /* instructions per pair (callgrind); 0: none */
};

static struct result results[N_OBJECTS][N_ROWS];
static char prog_dir[PATH_MAX]; /* where the benchmark binaries are */

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static bool skip(enum object o, const struct row *r)
{
	return r->large_only && o != LARGE;
}

/* @buf = @a @b, or stop when it does not fit. */
static void join(char *buf, size_t size, const char *a, const char *b)
{
	if ((size_t)snprintf(buf, size, "%s%s", a, b) >= size) {
		errno = ENAMETOOLONG;
		die(a);
	}
}

/* The benchmark binaries are data dependencies, in the runfiles tree:
 * $RUNFILES_DIR (set for tests), else next to this program's own file. */
static void find_programs(void)
{
	const char *runfiles = getenv("RUNFILES_DIR");
	char exe[PATH_MAX], tree[PATH_MAX];
	ssize_t len;

	if (!runfiles) {
		len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (len < 0)
			die("/proc/self/exe");
		exe[len] = '\0';
		join(tree, sizeof(tree), exe, ".runfiles");
		runfiles = tree;
	}
	join(prog_dir, sizeof(prog_dir), runfiles, "/objpool/bench/");
}

/* Run @argv (@argv[0] looked up in PATH when it has no '/') with its
 * standard output read into @out; its standard error stays ours.
 * Return: true when it exited 0. */
static bool run(char *const argv[], char *out, size_t size)
{
	posix_spawn_file_actions_t actions;
	int pipefd[2], status;
	pid_t pid;
	size_t len = 0;
	ssize_t n;

	if (pipe(pipefd) < 0)
		die("pipe");
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipefd[0]);
	posix_spawn_file_actions_addclose(&actions, pipefd[1]);
	errno = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	if (errno)
		die(argv[0]);
	posix_spawn_file_actions_destroy(&actions);
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Run one row's binary with the options @extra (NULL-terminated) after
 * its own, under @wrapper (valgrind ...; NULL-terminated) when not NULL.
 * Return: its output, in a static buffer. Stops the driver when it fails. */
static const char *run_row(enum object o, const struct row *r, char **wrapper, char **extra)
{
	static char out[4096];
	char prog[PATH_MAX], object[32], threads[32], reset[32];
	char *argv[32];
	int argc = 0;

	join(prog, sizeof(prog), prog_dir, r->prog);
	snprintf(object, sizeof(object), "--object=%s", object_arg[o]);
	snprintf(threads, sizeof(threads), "--threads=%d", r->threads);
	snprintf(reset, sizeof(reset), "--reset=%s", r->reset ? r->reset : "");
	while (wrapper && *wrapper)
		argv[argc++] = *wrapper++;
	argv[argc++] = prog;
	argv[argc++] = object;
	argv[argc++] = threads;
	if (r->reset)
		argv[argc++] = reset;
	while (*extra)
		argv[argc++] = *extra++;
	argv[argc] = NULL;
	if (!run(argv, out, sizeof(out))) {
		errno = 0;
		fprintf(stderr, "bench: failed:");
		for (int i = 0; i < argc; i++)
			fprintf(stderr, " %s", argv[i]);
		die("");
	}
	return out;
}

/* The 1-minute load average; -1 when unknown. */
static double load_average(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double load = -1;

	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = -1;
		fclose(f);
	}
	return load;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Fill @res's median, min and max from its @runs values. */
static void summarize(struct result *res, int runs)
{
	double v[MAX_RUNS];

	memcpy(v, res->ns, (size_t)runs * sizeof(*v));
	qsort(v, (size_t)runs, sizeof(*v), compare);
	res->min = v[0];
	res->max = v[runs - 1];
	res->median = runs % 2 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2;
}

/* Print @x with about three significant digits. */
static void print_num(double x)
{
	double a = x < 0 ? -x : x;

	printf(a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f", x);
}

/* Instructions per pair, by callgrind, for every one-thread row: run the
 * row for a fixed number of pairs under callgrind, counting inside
 * bench_measure only, and divide. The pairs: 1 ms worth at full speed,
 * from 20 to 100000 (a second or two under callgrind). */
static void count_instructions(void)
{
	char file[] = "/tmp/objpool-bench-callgrind-XXXXXX";
	int fd = mkstemp(file);
	char out_file[sizeof(file) + 32], iterations[64], line[256];
	char *extra[] = { iterations, NULL };
	char *wrapper[] = { "valgrind", "--tool=callgrind", "-q",
			    "--toggle-collect=bench_measure", out_file, NULL };

	if (fd < 0)
		die("mkstemp");
	close(fd);
	snprintf(out_file, sizeof(out_file), "--callgrind-out-file=%s", file);
	for (int o = 0; o < N_OBJECTS; o++) {
		for (int i = 0; i < N_ROWS; i++) {
			const struct row *r = &rows[i];
			struct result *res = &results[o][i];
			double ms_worth = 1e6 / res->median;
			long pairs = ms_worth < 20 ? 20 : ms_worth > 1e5 ? 100000 : (long)ms_worth;

			if (skip(o, r) || r->threads != 1)
				continue;
			snprintf(iterations, sizeof(iterations), "--iterations=%ld", pairs);
			fprintf(stderr, "callgrind: %s %s\n", r->prog, object_arg[o]);
			run_row(o, r, wrapper, extra);

			FILE *f = fopen(file, "r");
			double total = 0;

			if (!f)
				die(file);
			while (fgets(line, sizeof(line), f))
				sscanf(line, "totals: %lf", &total);
			fclose(f);
			res->instr = total / (double)pairs;
		}
	}
	unlink(file);
}

static void print_row(enum object o, enum row_id i, bool instr)
{
	const struct row *r = &rows[i];
	const struct result *res = &results[o][i];
	const struct result *no_pool = &results[o][r->threads == 1 ? MALLOC : MALLOC_2T];
	double x = res->median / no_pool->median;

	printf("| %s | %d | ", r->what, r->threads);
	print_num(res->median);
	printf(" | ");
	print_num(res->min);
	printf("-");
	print_num(res->max);
	printf(" | ");
	print_num(r->threads * 1e3 / res->median);
	printf(" | ");
	if (res == no_pool)
		printf("1");
	else
		print_num(x >= 1 ? x : 1 / x);
	printf("%s | ", res == no_pool ? "" : x >= 1 ? "x slower" : "x faster");
	print_num(res->median / results[o][M1].median);
	printf(" | ");
	if (r->base >= 0) {
		const struct row *base = &rows[r->base];
		double added = res->median - results[o][r->base].median;

		printf("%s", added >= 0 ? "+" : "");
		print_num(added);
		printf(" vs %s%s", base->name, base->threads != r->threads ? ", 1 thread" : "");
	}
	printf(" |");
	if (instr && res->instr > 0) {
		printf(" ");
		print_num(res->instr);
		printf(" |");
	} else if (instr) {
		printf(" |");
	}
	printf("\n");
}

static void print_table(enum object o, bool instr)
{
	printf("\n%s\n\n", object_title[o]);
	printf("| pool (what the row adds) | threads | ns/pair | min-max | Mpairs/s |"
	       " vs no pool | vs m1 | added ns |%s\n", instr ? " instr/pair |" : "");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|%s\n", instr ? "---:|" : "");
	for (int i = 0; i < N_ROWS; i++)
		if (!skip(o, &rows[i]))
			print_row(o, i, instr);
}

static long number(const char *text)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 1) {
		errno = 0;
		fprintf(stderr, "bench: bad number: %s\n", text);
		exit(2);
	}
	return value;
}

int main(int argc, char **argv)
{
	long runs = 7, ms = 100, warm_ms = 20, iterations = 0;
	bool callgrind = false;
	char ms_arg[32], warm_arg[32];
	char *timing[] = { ms_arg, warm_arg, NULL };

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--runs=", 7))
			runs = number(argv[i] + 7);
		else if (!strncmp(argv[i], "--ms=", 5))
			ms = number(argv[i] + 5);
		else if (!strncmp(argv[i], "--warm-ms=", 10))
			warm_ms = number(argv[i] + 10);
		else if (!strncmp(argv[i], "--iterations=", 13))
			iterations = number(argv[i] + 13);
		else if (!strcmp(argv[i], "--callgrind"))
			callgrind = true;
		else {
			fprintf(stderr, "usage: bench [--runs=N] [--ms=N] [--warm-ms=N] "
					"[--iterations=N] [--callgrind]\n");
			return 2;
		}
	}
	if (runs > MAX_RUNS)
		runs = MAX_RUNS;
	find_programs();
	double load_before = load_average();
	if (iterations) {
		snprintf(ms_arg, sizeof(ms_arg), "--iterations=%ld", iterations);
		warm_ms = ms = 0;
	} else {
		snprintf(ms_arg, sizeof(ms_arg), "--ms=%ld", ms);
	}
	snprintf(warm_arg, sizeof(warm_arg), "--warm-ms=%ld", warm_ms);

	for (int run_i = 0; run_i < runs; run_i++) {
		fprintf(stderr, "run %d of %ld\n", run_i + 1, runs);
		for (int o = 0; o < N_OBJECTS; o++) {
			for (int i = 0; i < N_ROWS; i++) {
				struct result *res = &results[o][i];

				if (skip(o, &rows[i]))
					continue;
				const char *out = run_row(o, &rows[i], NULL, timing);
				double wall, cpu;

				if (sscanf(out, "%lf %lf", &wall, &cpu) != 2) {
					errno = 0;
					die("unreadable output from a benchmark binary");
				}
				res->ns[run_i] = rows[i].threads == 1 ? cpu : wall;
			}
		}
	}
	for (int o = 0; o < N_OBJECTS; o++)
		for (int i = 0; i < N_ROWS; i++)
			if (!skip(o, &rows[i]))
				summarize(&results[o][i], (int)runs);
	if (callgrind)
		count_instructions();

	char length[64];

	if (iterations)
		snprintf(length, sizeof(length), "%ld pairs per thread", iterations);
	else
		snprintf(length, sizeof(length), "%ld ms warm-up, %ld ms timed", warm_ms, ms);
	printf("objpool: the cost of a get+return pair, in ns: the median of %ld run(s), each\n"
	       "a fresh process (%s); %ld CPUs online, load average\n"
	       "%.2f before, %.2f after (2-thread rows need the CPUs to themselves).\n"
	       "1 thread: CPU time of the thread. 2 threads: wall time per thread.\n"
	       "m4-m6 reset the object on return with len = 0. Ratios are of medians.\n",
	       runs, length, sysconf(_SC_NPROCESSORS_ONLN), load_before, load_average());
	for (int o = 0; o < N_OBJECTS; o++)
		print_table(o, callgrind);
	return 0;
}
