"""How objpool declares its targets: the one place for flags and rules.

Every C library, C binary, C test and GoogleTest binary of the project is
declared through a macro of this file; no BUILD file calls cc_library,
cc_binary or cc_test itself. A milestone's BUILD file is one call of
objpool_milestone, plus its binaries.

Asserts: the default build (and every test configuration) keeps assert()
and the debug checks of common/ (error-checking mutexes, lock owner
checks); `-c opt` defines NDEBUG and compiles them out.
"""

# Every C file of the project: strict C11 plus the GNU attributes the
# guards need (cleanup, noreturn). -fexceptions lets a C++ exception thrown
# by a callback unwind through pool code and run its cleanups (m2).
C_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Wshadow",
    "-Wstrict-prototypes",
    "-Werror",
    "-fexceptions",
]

# The GoogleTest files that drive the C code.
TEST_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
]

def objpool_c_library(name, srcs, hdrs, deps = [], **kwargs):
    """A C library of the project, compiled with C_COPTS."""
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = hdrs,
        copts = C_COPTS,
        linkopts = ["-pthread"],
        deps = deps,
        **kwargs
    )

def objpool_cc_library(name, hdrs, srcs = [], deps = [], testonly = True, **kwargs):
    """A C++ library for tests (fixtures, helpers), with TEST_COPTS."""
    native.cc_library(
        name = name,
        testonly = testonly,
        srcs = srcs,
        hdrs = hdrs,
        copts = TEST_COPTS,
        deps = deps,
        **kwargs
    )

def objpool_c_binary(name, srcs, deps = [], **kwargs):
    """A C program of the project (demos, benchmarks), with C_COPTS."""
    native.cc_binary(
        name = name,
        srcs = srcs,
        copts = C_COPTS,
        linkopts = ["-pthread"],
        deps = deps,
        **kwargs
    )

def objpool_c_test(name, srcs, deps = [], size = "small", tags = [], **kwargs):
    """A C program run as a test (exit status 0 passes), with C_COPTS.

    For programs with their own main(): canaries, demos of a milestone's
    limits, smoke runs of a binary.
    """
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = C_COPTS,
        linkopts = ["-pthread"],
        size = size,
        tags = tags,
        deps = deps,
        **kwargs
    )

def objpool_test(name, srcs, deps = [], size = "small", tags = [], **kwargs):
    """A GoogleTest binary that runs in every configuration of .bazelrc.

    Tags: no_asan, no_tsan, no_valgrind leave one configuration out;
    manual keeps the target out of //... (canaries, starters).
    """
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = TEST_COPTS,
        linkopts = ["-pthread"],
        size = size,
        tags = tags,
        deps = deps + ["@googletest//:gtest_main"],
        **kwargs
    )

# The starter twin of a label of this package: ":pool" -> ":starter_pool"
# for every name in @twins; other labels are shared as they are.
def _starter(labels, twins):
    return [
        ":starter_" + label[1:] if label.startswith(":") and label[1:] in twins else label
        for label in labels
    ]

def objpool_milestone(deps, tests, test_deps = [], support = []):
    """Declares one milestone: its pool, its tests, and the course twin.

    Targets:
      :pool            pool.c + pool.h over @deps (visible to //bench)
      :<test>          for each entry of @tests, a GoogleTest binary over
                       :pool and @test_deps
      :<support>       for each entry of @support, a test-only library
                       built over :pool
      :starter_pool    the same pool.h over starter/pool.c, the student's
                       copy to fill in
      :starter_<support>  each support library again, over :starter_pool
      :starter_test    the sources of every test marked starter, in one
                       binary over :starter_pool; fails until the student
                       is done, so tagged manual (never in //...) and
                       starter (tools/check.sh starters)
    The starter twins are tagged manual too: //... builds no starter code.

    Args:
      deps: the library's dependencies (//common:...).
      tests: test name -> dict(srcs = [...], and optionally deps = [...]
        beyond @test_deps, data = [...], size, and starter = False to keep
        the test out of :starter_test).
      test_deps: what every test links (":pool" is added; support
        libraries are named here as ":name").
      support: test-only libraries over :pool, each a dict(name, srcs,
        hdrs, deps, cxx = True for C++ test code, C otherwise).
    """
    twins = ["pool"] + [s["name"] for s in support]
    objpool_c_library(
        name = "pool",
        srcs = ["pool.c"],
        hdrs = ["pool.h"],
        # This package (always) and the benchmark, which links every
        # milestone.
        visibility = ["//bench:__pkg__"],
        deps = deps,
    )
    objpool_c_library(
        name = "starter_pool",
        srcs = ["starter/pool.c"],
        hdrs = ["pool.h"],
        tags = ["manual"],
        deps = deps + ["//common:unimplemented"],
    )
    for s in support:
        rule = objpool_cc_library if s.get("cxx", False) else objpool_c_library
        own_deps = s.get("deps", []) + [":pool"]
        for prefix, tags, sdeps in [
            ("", [], own_deps),
            ("starter_", ["manual"], _starter(own_deps, twins)),
        ]:
            rule(
                name = prefix + s["name"],
                testonly = True,
                srcs = s.get("srcs", []),
                hdrs = s["hdrs"],
                tags = tags,
                deps = sdeps,
            )

    starter_srcs = []
    starter_deps = []
    for test, spec in tests.items():
        test_deps_all = [":pool"] + test_deps + spec.get("deps", [])
        objpool_test(
            name = test,
            srcs = spec["srcs"],
            size = spec.get("size", "small"),
            data = spec.get("data", []),
            deps = test_deps_all,
        )
        if spec.get("starter", True):
            starter_srcs += spec["srcs"]
            starter_deps += [d for d in _starter(test_deps_all, twins) if d not in starter_deps]
    objpool_test(
        name = "starter_test",
        srcs = starter_srcs,
        tags = [
            "manual",
            "starter",
        ],
        deps = starter_deps,
    )
