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

def objpool_c_library(name, srcs, hdrs, deps = [], linkopts = [], **kwargs):
    """A C library of the project, compiled with C_COPTS."""
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = hdrs,
        copts = C_COPTS,
        linkopts = ["-pthread"] + linkopts,
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

# Under --config=coverage (tools/coverage) every test links
# tools/gcov_flush.c: an abort(), a death test's end, writes the coverage
# counts first.
def _coverage_deps():
    return select({
        "//tools:coverage": ["//tools:gcov_flush"],
        "//conditions:default": [],
    })

def _cc_test(name, srcs, copts, deps, size, tags, **kwargs):
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = copts,
        linkopts = ["-pthread"],
        size = size,
        tags = tags,
        deps = deps + _coverage_deps(),
        **kwargs
    )

def objpool_c_test(name, srcs, deps = [], size = "small", tags = [], **kwargs):
    """A C program run as a test (exit status 0 passes), with C_COPTS.

    For programs with their own main(): canaries, demos of a milestone's
    limits, smoke runs of a binary.
    """
    _cc_test(name, srcs, C_COPTS, deps, size, tags, **kwargs)

def objpool_test(name, srcs, deps = [], size = "small", tags = [], **kwargs):
    """A GoogleTest binary that runs in every configuration of .bazelrc.

    Tags: no_asan, no_tsan, no_valgrind leave one configuration out;
    manual keeps the target out of //... (canaries, starters).
    """
    _cc_test(name, srcs, TEST_COPTS, deps + ["@googletest//:gtest_main"], size, tags, **kwargs)

def objpool_milestone(deps, tests, test_deps = [], support = [], visibility = []):
    """Declares one milestone: its pool, its tests, and the course twin.

    Targets:
      :pool            pool.c + pool.h over @deps (visible to //bench)
      :pool_h          pool.h alone: what the test code compiles against
      :<support>       for each entry of @support, test-only code over
                       pool.h
      :<test>          for each entry of @tests, a GoogleTest binary: its
                       sources (compiled once, in :<test>_code) linked
                       with :pool
      :starter_pool    the same pool.h over starter/pool.c, the student's
                       copy to fill in
      :starter_test    the test code of every test marked starter, the
                       same objects, linked with :starter_pool; fails
                       until the student is done, so tagged manual (never
                       in //...) and starter (tools/check.sh starters)
    The test code is compiled once for both pools: after a plain
    `bazel test //...`, a starter costs one C file and a link.

    Args:
      deps: the library's dependencies (//common:...).
      tests: test name -> dict(srcs = [...], and optionally deps = [...]
        beyond @test_deps, data = [...], size, tags (stress: run 20 times
        under TSan by tools/check.sh), linkstatic = True (for
        //common:libc_testing), and starter = False to keep the test out
        of :starter_test).
      test_deps: what every test's code uses (support libraries named as
        ":name").
      support: test-only libraries over pool.h, each a dict(name, srcs,
        hdrs, deps, cxx = True for C++ test code, C otherwise).
      visibility: packages beyond //bench that build on :pool (a
        subpackage that pools real resources).
    """
    objpool_c_library(
        name = "pool",
        srcs = ["pool.c"],
        hdrs = ["pool.h"],
        # This package (always) and the benchmark, which links every
        # milestone.
        visibility = ["//bench:__pkg__"] + visibility,
        deps = deps,
    )
    objpool_c_library(
        name = "pool_h",
        srcs = [],
        hdrs = ["pool.h"],
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
        rule(
            name = s["name"],
            testonly = True,
            srcs = s.get("srcs", []),
            hdrs = s["hdrs"],
            deps = s.get("deps", []) + [":pool_h"],
        )

    starter_code = []
    for test, spec in tests.items():
        objpool_cc_library(
            name = test + "_code",
            srcs = spec["srcs"],
            hdrs = [],
            # Linked whole: nothing refers to a TEST() by name.
            alwayslink = True,
            deps = [":pool_h"] + test_deps + spec.get("deps", []) + [
                "@googletest//:gtest",
            ],
        )
        objpool_test(
            name = test,
            srcs = [],
            size = spec.get("size", "small"),
            tags = spec.get("tags", []),
            data = spec.get("data", []),
            linkstatic = spec.get("linkstatic", False),
            deps = [
                ":" + test + "_code",
                ":pool",
            ],
        )
        if spec.get("starter", True):
            starter_code.append(":" + test + "_code")
    objpool_test(
        name = "starter_test",
        srcs = [],
        tags = [
            "manual",
            "starter",
        ],
        deps = starter_code + [":starter_pool"],
    )

def objpool_model_tests(threads = False):
    """A milestone's model-based tests (common/model.h).

    :model defines model_run over the package's :pool (model.cc); the
    fuzzers in //fuzz use it too. :model_test runs it on seeded programs
    (common/model_test_main.cc). With threads, :model_threads_test runs
    model_threads_test.cc: threads racing the last unref.
    """
    objpool_cc_library(
        name = "model",
        srcs = ["model.cc"],
        hdrs = [],
        visibility = ["//fuzz:__pkg__"],
        deps = [
            ":pool",
            "//common:model_support",
        ],
    )
    objpool_test(
        name = "model_test",
        srcs = [],
        deps = [
            ":model",
            "//common:model_test_main",
        ],
    )
    if threads:
        objpool_test(
            name = "model_threads_test",
            srcs = ["model_threads_test.cc"],
            deps = [
                ":pool",
                "//common:mem_testing",
                "//common:model_support",
            ],
        )

def objpool_fuzzer(name, model):
    """A milestone's libFuzzer binary and the test of its seed corpus.

    :<name>  fuzz_target.c over @model, a //mN_x:model library
             (common/model.h's model_run). Only --config=fuzz (clang) can
             link it: -fsanitize=fuzzer is a link option of this binary
             alone, and gcc does not know it. Hence manual: //... in the
             gcc configurations leaves it out.
    :<name>_corpus_test  every input of corpus/<name>/ through the same
             fuzz_target.c once (replay_main.c), in every configuration:
             an input added to the corpus (a crash, once fixed) is a
             regression test from then on.
    """
    native.cc_binary(
        name = name,
        testonly = True,
        srcs = ["fuzz_target.c"],
        copts = C_COPTS,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [model],
    )
    objpool_c_test(
        name = name + "_corpus_test",
        srcs = [
            "fuzz_target.c",
            "replay_main.c",
        ],
        args = ["fuzz/corpus/" + name],
        data = native.glob(["corpus/%s/*" % name]),
        deps = [model],
    )
