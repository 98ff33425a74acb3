"""How objpool declares its C libraries and tests: the one place for flags."""

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
        deps = deps + ["@googletest//:gtest_main"] + select({
            # A death test's abort() writes its coverage counts too.
            "//tools:coverage": ["//tools:gcov_flush"],
            "//conditions:default": [],
        }),
        **kwargs
    )

def objpool_model_tests(threads = False):
    """A milestone's model-based tests (common/model.h).

    :model defines model_run over the package's :pool (model.cc); the
    fuzzers in //fuzz use it too. :model_test runs it on seeded programs
    (common/model_test_main.cc). With threads, :model_threads_test runs
    model_threads_test.cc: threads racing the last unref.
    """
    native.cc_library(
        name = "model",
        testonly = True,
        srcs = ["model.cc"],
        copts = TEST_COPTS,
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

def objpool_fuzzer(name, model, **kwargs):
    """A libFuzzer binary of //fuzz: fuzz_target.c over one milestone's model.

    @model is a //mN_x:model library (common/model.h's model_run). Only
    --config=fuzz (clang) can link it: -fsanitize=fuzzer is a link option
    of this binary alone, and gcc does not know it. Hence manual: //...
    in the gcc configurations leaves it out.
    """
    native.cc_binary(
        name = name,
        testonly = True,
        srcs = ["fuzz_target.c"],
        copts = C_COPTS,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [model],
        **kwargs
    )
