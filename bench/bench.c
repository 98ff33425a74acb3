/* The benchmark driver: bazel run -c opt //bench [-- options]
 *
 * Runs every row of the table --runs times, each run a fresh process of
 * one benchmark binary (bench_malloc, bench_m1 ..., from the runfiles),
 * the rows interleaved so that a noisy moment hits them all alike; then
 * prints, per row, the median ns per get+return pair and its ratios. With
 * --callgrind it also counts the instructions per pair of the one-thread
 * rows under valgrind --tool=callgrind.
 *
 *	--runs=N      runs per row (default 7, at most 99: MAX_RUNS)
 *	--ms=N        timed milliseconds per run (default 100)
 *	--warm-ms=N   warm-up milliseconds per run (default 20)
 *	--iterations=N  instead of timing: exactly N pairs per thread and
 *	              run, and under callgrind (for the tests: no clock in
 *	              their verdict)
 *	--callgrind   add an instructions-per-pair column
 *	--tsv         print one tab-separated line per row instead of the
 *	              Markdown tables (bench/README.md)
 *	--plot FILE   also draw the cheap object's rows as a bar chart, a PNG
 *	              made by gnuplot; a relative FILE is relative to the
 *	              directory bazel run was called from
 *
 * The pools are BENCH_POOLS (defined by bench/BUILD: "malloc m1 m2 ..."),
 * in table order; the driver asks each binary what its pool is and can do
 * (bench_POOL --describe) and makes the rows from that.
 */
#define _POSIX_C_SOURCE 200809L /* posix_spawn, readlink, mkdtemp */

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BENCH_POOLS
#error "BENCH_POOLS must name the pools, as bench/BUILD does"
#endif

extern char **environ;

enum {
	MAX_RUNS = 99,
	MAX_POOLS = 16,
	MAX_ROWS = 3 * MAX_POOLS, /* 1 thread, 2 threads, the memset row */
	NAME_SIZE = 32,
	TEXT_SIZE = 128,
};

enum object { SMALL, LARGE, N_OBJECTS };

static const char *const object_arg[N_OBJECTS] = { "small", "large" };
static const char *const object_tsv[N_OBJECTS] = { "1KiB", "1MiB" };
static const char *const object_title[N_OBJECTS] = {
	"Cheap object: a 1 KiB buffer. Factory: malloc(1 KiB).",
	"Expensive object: a zeroed 1 MiB buffer. Factory: calloc(1 MiB) and a "
	"write to each of its 256 pages.",
};

/* The baseline every row is compared with, and the pool of the "vs m1"
 * column and of the memset row (the course's finished pool). */
static const char BASELINE[] = "malloc", FIRST_POOL[] = "m1",
		  MEMSET_POOL[] = "m6";

/* A pool, as its binary describes itself (bench_core.c, --describe). */
struct pool {
	char id[NAME_SIZE];    /* its name in BENCH_POOLS: "malloc", "m4" */
	char label[NAME_SIZE]; /* short, for the "added" column: "no pool" */
	char what[TEXT_SIZE];  /* its 1-thread row's first column */
	char base[NAME_SIZE];  /* the pool it adds a feature to, or "-" */
	bool is_pool, thread_safe, has_reset;
};

/* A row of the table. */
struct row {
	const struct pool *pool; /* whose binary runs it */
	char what[TEXT_SIZE];	 /* the table's first column */
	int threads;		 /* threads sharing the one pool */
	const char *reset;	 /* --reset= for the pool, or NULL */
	int base;		 /* the row this one adds a feature to, or -1 */
	bool large_only;	 /* a row for the expensive object only */
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

static struct pool pools[MAX_POOLS];
static int n_pools;
static struct row rows[MAX_ROWS];
static int n_rows;
static struct result results[N_OBJECTS][MAX_ROWS];
static char prog_dir[PATH_MAX]; /* where the benchmark binaries are */

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench: %s%s%s\n", what, errno ? ": " : "",
		errno ? strerror(errno) : "");
	exit(1);
}

/* Return: true when row @r has no run for object @o. */
static bool skip(enum object o, const struct row *r)
{
	return r->large_only && o != LARGE;
}

/* Print @fmt and what follows into @buf (@size bytes), or stop, naming
 * what fitted, when it does not fit. */
__attribute__((format(printf, 3, 4))) static void format(char *buf, size_t size,
							 const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= size) {
		errno = ENAMETOOLONG;
		die(buf);
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
		format(tree, sizeof(tree), "%s.runfiles", exe);
		runfiles = tree;
	}
	format(prog_dir, sizeof(prog_dir), "%s/objpool/bench/", runfiles);
}

/* @buf = the path of bench_@id, or stop when it does not fit. */
static void program(char *buf, size_t size, const char *id)
{
	format(buf, size, "%sbench_%s", prog_dir, id);
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

/* Run @argv like run(); stop the driver, naming the command, when it
 * fails. Return: its output, in a static buffer. */
static const char *run_or_die(char *const argv[])
{
	static char out[4096];

	if (!run(argv, out, sizeof(out))) {
		fprintf(stderr, "bench: failed:");
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\n");
		exit(1);
	}
	return out;
}

/* Copy the next tab-separated field of *@line into @buf (@size bytes) and
 * step past it. Return: false when there is none or it does not fit. */
static bool field(const char **line, char *buf, size_t size)
{
	size_t len = strcspn(*line, "\t\n");

	if (!**line || len >= size)
		return false;
	memcpy(buf, *line, len);
	buf[len] = '\0';
	*line += len + ((*line)[len] != '\0');
	return true;
}

/* Ask bench_@id what its pool is (--describe) into @p. */
static void describe(struct pool *p, const char *id)
{
	char prog[PATH_MAX], flags[3][4];
	char *argv[] = { prog, "--describe", NULL };
	const char *line;

	format(p->id, sizeof(p->id), "%s", id);
	program(prog, sizeof(prog), id);
	line = run_or_die(argv);
	for (int i = 0; i < 3; i++)
		if (!field(&line, flags[i], sizeof(flags[i])))
			goto bad;
	if (!field(&line, p->base, sizeof(p->base)) ||
	    !field(&line, p->label, sizeof(p->label)) ||
	    !field(&line, p->what, sizeof(p->what)))
		goto bad;
	p->is_pool = !strcmp(flags[0], "1");
	p->thread_safe = !strcmp(flags[1], "1");
	p->has_reset = !strcmp(flags[2], "1");
	return;
bad:
	fprintf(stderr, "bench: %s --describe: unreadable\n", prog);
	exit(1);
}

/* The index of the pool named @id, or -1. */
static int pool_index(const char *id)
{
	for (int i = 0; i < n_pools; i++)
		if (!strcmp(pools[i].id, id))
			return i;
	return -1;
}

/* The index of the row of pool @pool with @threads threads and no memset
 * reset, or -1. */
static int row_index(int pool, int threads)
{
	for (int i = 0; i < n_rows; i++)
		if (rows[i].pool == &pools[pool] &&
		    rows[i].threads == threads && !rows[i].large_only)
			return i;
	return -1;
}

/* Append a row of pool @p; @fmt and what follows make its first column. */
__attribute__((format(printf, 6, 7))) static void
add_row(const struct pool *p, int threads, const char *reset, int base,
	bool large_only, const char *fmt, ...)
{
	struct row *r = &rows[n_rows++];
	va_list ap;

	*r = (struct row){ .pool = p,
			   .threads = threads,
			   .reset = reset,
			   .base = base,
			   .large_only = large_only };
	va_start(ap, fmt);
	vsnprintf(r->what, sizeof(r->what), fmt, ap);
	va_end(ap);
}

/* The pools of BENCH_POOLS, described by their binaries, and the rows:
 * every pool with 1 thread (m4 on: reset len = 0); every thread-safe pool
 * with 2 threads; MEMSET_POOL with a memset reset, for the expensive
 * object. */
static void make_rows(void)
{
	char names[] = BENCH_POOLS;

	for (char *id = strtok(names, " "); id; id = strtok(NULL, " ")) {
		if (n_pools == MAX_POOLS) {
			errno = E2BIG;
			die("BENCH_POOLS");
		}
		describe(&pools[n_pools++], id);
	}
	if (pool_index(BASELINE) != 0) {
		errno = 0;
		die("BENCH_POOLS must start with malloc, the baseline");
	}
	for (int i = 0; i < n_pools; i++) {
		const struct pool *p = &pools[i];
		int base = pool_index(p->base);

		add_row(p, 1, p->has_reset ? "len" : NULL,
			base < 0 ? -1 : row_index(base, 1), false, "%s",
			p->what);
	}
	for (int i = 0; i < n_pools; i++) {
		const struct pool *p = &pools[i];

		if (p->thread_safe)
			add_row(p, 2, p->has_reset ? "len" : NULL,
				row_index(i, 1), false,
				p->is_pool ? "%s, 2 threads share the pool"
					   : "%s, 2 threads",
				p->label);
	}
	int m = pool_index(MEMSET_POOL);

	if (m >= 0 && pools[m].has_reset)
		add_row(&pools[m], 1, "memset", row_index(m, 1), true,
			"%s, reset = memset(1 MiB) instead", pools[m].label);
}

/* Run one row's binary with the options @extra (NULL-terminated) after
 * its own, under @wrapper (valgrind ...; NULL-terminated) when not NULL.
 * Return: its output, in a static buffer. Stops the driver when it fails. */
static const char *run_row(enum object o, const struct row *r, char **wrapper,
			   char **extra)
{
	char prog[PATH_MAX], object[32], threads[32], reset[32];
	char *argv[32];
	int argc = 0;

	program(prog, sizeof(prog), r->pool->id);
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
	return run_or_die(argv);
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

/* qsort order of two doubles. Return: <0, 0 or >0 as *@a <, =, > *@b. */
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
	res->median =
		runs % 2 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2;
}

/* Print @x with about three significant digits. */
static void print_num(double x)
{
	double a = x < 0 ? -x : x;

	printf(a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f", x);
}

/* Instructions per pair, by callgrind, for every one-thread row: run the
 * row for a fixed number of pairs under callgrind, counting inside
 * bench_measure only, and divide. The pairs: @iterations when not 0, else
 * 1 ms worth at full speed, from 20 to 100000 (a second or two under
 * callgrind). */
static void count_instructions(long iterations)
{
	char file[] = "/tmp/objpool-bench-callgrind-XXXXXX";
	int fd = mkstemp(file);
	char out_file[sizeof(file) + 32], pairs_arg[64], line[256];
	char *extra[] = { pairs_arg, NULL };
	char *wrapper[] = {
		"valgrind",	    "-q",
		"--tool=callgrind", "--toggle-collect=bench_measure",
		out_file,	    NULL,
	};

	if (fd < 0)
		die("mkstemp");
	close(fd);
	snprintf(out_file, sizeof(out_file), "--callgrind-out-file=%s", file);
	for (int o = 0; o < N_OBJECTS; o++) {
		for (int i = 0; i < n_rows; i++) {
			const struct row *r = &rows[i];
			struct result *res = &results[o][i];
			double ms_worth = 1e6 / res->median;
			long pairs = iterations	      ? iterations
				     : ms_worth < 20  ? 20
				     : ms_worth > 1e5 ? 100000
						      : (long)ms_worth;

			if (skip(o, r) || r->threads != 1)
				continue;
			snprintf(pairs_arg, sizeof(pairs_arg),
				 "--iterations=%ld", pairs);
			fprintf(stderr, "callgrind: bench_%s %s\n", r->pool->id,
				object_arg[o]);
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

/* Print row @i of object @o's table; @instr: with the instr/pair column. */
static void print_row(enum object o, int i, bool instr)
{
	const struct row *r = &rows[i];
	const struct result *res = &results[o][i];
	const struct result *no_pool = &results[o][row_index(0, r->threads)];
	int first = row_index(pool_index(FIRST_POOL), 1);
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
	if (first >= 0)
		print_num(res->median / results[o][first].median);
	printf(" | ");
	if (r->base >= 0) {
		const struct row *base = &rows[r->base];
		double added = res->median - results[o][r->base].median;

		printf("%s", added >= 0 ? "+" : "");
		print_num(added);
		printf(" vs %s%s", base->pool->label,
		       base->threads != r->threads ? ", 1 thread" : "");
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

/* Print object @o's title and table; @instr: with the instr/pair column. */
static void print_table(enum object o, bool instr)
{
	printf("\n%s\n\n", object_title[o]);
	printf("| pool (what the row adds) | threads | ns/pair | min-max | "
	       "Mpairs/s |"
	       " vs no pool | vs m1 | added ns |%s\n",
	       instr ? " instr/pair |" : "");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|%s\n",
	       instr ? "---:|" : "");
	for (int i = 0; i < n_rows; i++)
		if (!skip(o, &rows[i]))
			print_row(o, i, instr);
}

/* --tsv: one line per row, no header (bench/README.md):
 *	object pool threads ns_per_pair instr_per_pair
 * instr_per_pair is "-" without --callgrind, and for the rows callgrind
 * does not count (2 threads). The memset row is left out: these five
 * columns cannot tell it from the pool's own 1-thread row. */
static void print_tsv(void)
{
	for (int o = 0; o < N_OBJECTS; o++) {
		for (int i = 0; i < n_rows; i++) {
			const struct row *r = &rows[i];
			const struct result *res = &results[o][i];

			if (r->large_only)
				continue;
			printf("%s\t%s\t%d\t%.3f\t", object_tsv[o], r->pool->id,
			       r->threads, res->median);
			if (res->instr > 0)
				printf("%.1f\n", res->instr);
			else
				printf("-\n");
		}
	}
}

/* --plot: draw the cheap object's rows, one bar per pool and thread
 * count, ns per pair on a log scale, into the PNG @file with gnuplot.
 * @runs: how many runs the medians are of, @load the load average before
 * them, for the title. */
static void plot(const char *file, long runs, double load)
{
	char dir[] = "/tmp/objpool-bench-plot-XXXXXX";
	char data[sizeof(dir) + 16], script[sizeof(dir) + 16], out[PATH_MAX];
	const char *cwd = getenv("BUILD_WORKING_DIRECTORY");
	char *argv[] = { "gnuplot", script, NULL };
	double lo = 1e300, hi = 0;
	int bars = 0;
	FILE *f;

	if (file[0] != '/' && cwd)
		format(out, sizeof(out), "%s/%s", cwd, file);
	else
		format(out, sizeof(out), "%s", file);
	if (!mkdtemp(dir))
		die("mkdtemp");
	format(data, sizeof(data), "%s/rows.dat", dir);
	format(script, sizeof(script), "%s/plot.gp", dir);

	/* A pool's bars side by side: its 1-thread row, then its 2-thread. */
	if (!(f = fopen(data, "w")))
		die(data);
	for (int p = 0; p < n_pools; p++) {
		for (int threads = 1; threads <= 2; threads++) {
			int i = row_index(p, threads);
			double ns;

			if (i < 0)
				continue;
			ns = results[SMALL][i].median;
			fprintf(f, "\"%s\" %d %.6g\n", pools[p].id, threads,
				ns);
			bars++;
			lo = ns < lo ? ns : lo;
			hi = ns > hi ? ns : hi;
		}
	}
	fclose(f);

	if (!(f = fopen(script, "w")))
		die(script);
	fprintf(f,
		"set terminal pngcairo size 900,480 font 'sans,11'\n"
		"set output '%s'\n"
		"set title \"objpool: one get+return pair of a 1 KiB buffer "
		"(median of %ld run%s; lower is better)\\n"
		"load average %.2f before the runs; 2-thread bars need an idle "
		"machine\"\n"
		"set ylabel 'ns per pair, per thread (log scale)'\n"
		"set logscale y\n"
		"set yrange [10**floor(log10(%g)):10**ceil(log10(%g))]\n"
		"set xrange [-0.6:%d - 0.4]\n"
		"set grid ytics mytics\n"
		"set style fill solid 0.85 border -1\n"
		"set boxwidth 0.8\n"
		"set xtics scale 0\n"
		"set key top left\n"
		"set xlabel 'pool (bench/README.md)'\n"
		"color(t) = t == 1 ? 0x4477aa : 0xee6677\n"
		"plot '%s' using 0:3:(color($2)):xtic(1) with boxes lc rgb "
		"variable notitle, \\\n"
		"     '' using 0:3:(sprintf('%%.3g', $3)) with labels offset "
		"0,0.8 notitle, \\\n"
		"     NaN with boxes lc rgb '#4477aa' title '1 thread (CPU "
		"time)', \\\n"
		"     NaN with boxes lc rgb '#ee6677' "
		"title '2 threads share the pool (wall time per thread)'\n",
		out, runs, runs == 1 ? "" : "s", load, lo, hi * 2, bars, data);
	fclose(f);
	run_or_die(argv);
	unlink(script);
	unlink(data);
	rmdir(dir);
	fprintf(stderr, "bench: wrote %s\n", out);
}

/* Return: @text as a number from 1 to @max; exits 2 with a message
 * naming @option (the text before it on the command line) and the range
 * when it is not one. */
static long number(const char *option, const char *text, long max)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 1 || value > max) {
		if (max < LONG_MAX)
			fprintf(stderr,
				"bench: %s%s: not a number from 1 to %ld\n",
				option, text, max);
		else
			fprintf(stderr, "bench: %s%s: not a number >= 1\n",
				option, text);
		exit(2);
	}
	return value;
}

/* Print the options and exit 2. */
__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: bench [--runs=N] [--ms=N] [--warm-ms=N] "
			"[--iterations=N] "
			"[--callgrind] [--tsv] [--plot FILE.png]\n");
	exit(2);
}

/* Parse the options, run every row --runs times, count, plot, print.
 * Return: 0; stops with 1 when a run fails, 2 on a bad option. */
int main(int argc, char **argv)
{
	long runs = 7, ms = 100, warm_ms = 20, iterations = 0;
	bool callgrind = false, tsv = false;
	const char *plot_file = NULL;
	char ms_arg[32], warm_arg[32];
	char *timing[] = { ms_arg, warm_arg, NULL };

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--runs=", 7))
			runs = number("--runs=", argv[i] + 7, MAX_RUNS);
		else if (!strncmp(argv[i], "--ms=", 5))
			ms = number("--ms=", argv[i] + 5, LONG_MAX);
		else if (!strncmp(argv[i], "--warm-ms=", 10))
			warm_ms = number("--warm-ms=", argv[i] + 10, LONG_MAX);
		else if (!strncmp(argv[i], "--iterations=", 13))
			iterations =
				number("--iterations=", argv[i] + 13, LONG_MAX);
		else if (!strcmp(argv[i], "--callgrind"))
			callgrind = true;
		else if (!strcmp(argv[i], "--tsv"))
			tsv = true;
		else if (!strncmp(argv[i], "--plot=", 7) && argv[i][7])
			plot_file = argv[i] + 7;
		else if (!strcmp(argv[i], "--plot") && i + 1 < argc)
			plot_file = argv[++i];
		else
			usage();
	}
	find_programs();
	make_rows();
	double load_before = load_average();
	if (iterations) {
		snprintf(ms_arg, sizeof(ms_arg), "--iterations=%ld",
			 iterations);
		warm_ms = ms = 0;
	} else {
		snprintf(ms_arg, sizeof(ms_arg), "--ms=%ld", ms);
	}
	snprintf(warm_arg, sizeof(warm_arg), "--warm-ms=%ld", warm_ms);

	for (int run_i = 0; run_i < runs; run_i++) {
		fprintf(stderr, "run %d of %ld\n", run_i + 1, runs);
		for (int o = 0; o < N_OBJECTS; o++) {
			for (int i = 0; i < n_rows; i++) {
				struct result *res = &results[o][i];

				if (skip(o, &rows[i]))
					continue;
				const char *out =
					run_row(o, &rows[i], NULL, timing);
				double wall, cpu;

				if (sscanf(out, "%lf %lf", &wall, &cpu) != 2) {
					errno = 0;
					die("unreadable output from a "
					    "benchmark binary");
				}
				res->ns[run_i] =
					rows[i].threads == 1 ? cpu : wall;
			}
		}
	}
	for (int o = 0; o < N_OBJECTS; o++)
		for (int i = 0; i < n_rows; i++)
			if (!skip(o, &rows[i]))
				summarize(&results[o][i], (int)runs);
	if (callgrind)
		count_instructions(iterations);
	if (plot_file)
		plot(plot_file, runs, load_before);
	if (tsv) {
		print_tsv();
		return 0;
	}

	char length[64];

	if (iterations)
		snprintf(length, sizeof(length), "%ld pairs per thread",
			 iterations);
	else
		snprintf(length, sizeof(length), "%ld ms warm-up, %ld ms timed",
			 warm_ms, ms);
	printf("objpool: the cost of a get+return pair, in ns: the median of "
	       "%ld run(s), each\n"
	       "a fresh process (%s); %ld CPUs online, load average\n"
	       "%.2f before, %.2f after (2-thread rows need the CPUs to "
	       "themselves).\n"
	       "1 thread: CPU time of the thread. 2 threads: wall time per "
	       "thread.\n"
	       "m4 and later reset the object on return with len = 0. Ratios "
	       "are of medians.\n",
	       runs, length, sysconf(_SC_NPROCESSORS_ONLN), load_before,
	       load_average());
	for (int o = 0; o < N_OBJECTS; o++)
		print_table(o, callgrind);
	return 0;
}
