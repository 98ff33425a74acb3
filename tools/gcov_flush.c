/* Linked into every test under --config=coverage only (tools/defs.bzl):
 * an abort() writes the coverage counters first.
 *
 * gcov writes its counts when a process exits normally. A death test's
 * child ends in abort() (refcount misuse, a lock error), which skips that:
 * without this, whatever the child ran would count as never run. */
#include <signal.h>

/* libgcov's "write the counters now" (the binary is linked --coverage). */
void __gcov_dump(void);

static void dump_and_abort(int sig)
{
	__gcov_dump();
	signal(sig, SIG_DFL);
	raise(sig);
}

__attribute__((constructor)) static void flush_coverage_on_abort(void)
{
	signal(SIGABRT, dump_and_abort);
}
