#!/usr/bin/env python3
"""Tests of tools/compdb.py on a made-up workspace and aquery output.

Run: python3 tools/compdb_test.py (tools/check.sh compdb runs it).
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compdb  # noqa: E402

EXECROOT = "/cache/execroot/objpool"


def compile_action(source, *flags):
    """Return a CppCompile action as aquery prints it."""
    return {
        "mnemonic": "CppCompile",
        "arguments": ["/usr/bin/gcc", "-iquote", ".", "-iquote",
                      "bazel-out/k8-fastbuild/bin", "-isystem",
                      "external/googletest/googletest/include",
                      "-Iexternal/zlib", *flags, "-Werror",
                      "-fno-canonical-system-headers", "-c", source,
                      "-o", "bazel-out/k8-fastbuild/bin/x.o"],
    }


class CompdbTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.ws = self.dir.name
        self.write("m1/pool.h", "#include \"common/vec.h\"\n")
        self.write("m1/pool.c", "#include \"m1/pool.h\"\n")
        self.write("m1/pool_test.cc",
                   "#include \"m1/pool.h\"\n#include \"helper.h\"\n")
        self.write("m1/helper.h", "")
        self.write("m1/other.c", "#include \"common/vec.h\"\n")
        self.write("common/vec.h", "#include <stddef.h>\n")
        self.write("m1/frag.inc", "")
        self.write("m1/uses_frag.c", "#include \"frag.inc\"\n")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, path, text):
        os.makedirs(os.path.dirname(os.path.join(self.ws, path)),
                    exist_ok=True)
        with open(os.path.join(self.ws, path), "w", encoding="utf-8") as f:
            f.write(text)

    def entries(self, *actions):
        found = compdb.entries({"actions": list(actions)}, self.ws, EXECROOT)
        return {e["file"]: e for e in found}

    def test_execroot_paths_become_absolute(self):
        args = self.entries(compile_action("m1/pool.c"))["m1/pool.c"][
            "arguments"]
        self.assertIn(EXECROOT + "/bazel-out/k8-fastbuild/bin", args)
        self.assertIn(EXECROOT + "/external/googletest/googletest/include",
                      args)
        self.assertIn("-I" + EXECROOT + "/external/zlib", args)
        self.assertIn(".", args)  # the workspace root stays relative
        self.assertEqual(args[args.index("-c") + 1], "m1/pool.c")

    def test_werror_and_gcc_only_flags_are_dropped(self):
        args = self.entries(compile_action("m1/pool.c"))["m1/pool.c"][
            "arguments"]
        self.assertNotIn("-Werror", args)
        self.assertNotIn("-fno-canonical-system-headers", args)
        self.assertIn("-Wall", self.entries(
            compile_action("m1/pool.c", "-Wall"))["m1/pool.c"]["arguments"])

    def test_directory_is_the_workspace(self):
        entry = self.entries(compile_action("m1/pool.c"))["m1/pool.c"]
        self.assertEqual(entry["directory"], self.ws)

    def test_one_entry_per_source_external_and_generated_left_out(self):
        found = self.entries(
            compile_action("m1/pool.c", "-DFIRST"),
            compile_action("m1/pool.c", "-DSECOND"),
            compile_action("external/googletest/src/gtest.cc"),
            compile_action("bazel-out/k8-fastbuild/bin/gen.c"))
        self.assertEqual(sorted(found), ["common/vec.h", "m1/pool.c",
                                         "m1/pool.h"])
        self.assertIn("-DFIRST", found["m1/pool.c"]["arguments"])

    def test_header_takes_the_source_of_its_name(self):
        self.write("m1/a_user.c", "#include \"m1/pool.h\"\n")
        found = self.entries(compile_action("m1/pool_test.cc", "-DTEST"),
                             compile_action("m1/a_user.c", "-DUSER"),
                             compile_action("m1/pool.c", "-DPOOL"))
        args = found["m1/pool.h"]["arguments"]
        self.assertIn("-DPOOL", args)
        at = args.index("-c")
        self.assertEqual(args[at + 1:at + 4], ["-x", "c-header", "m1/pool.h"])

    def test_header_prefers_c_then_path_order(self):
        found = self.entries(compile_action("m1/pool_test.cc", "-DTEST"),
                             compile_action("m1/pool.c", "-DPOOL"),
                             compile_action("m1/other.c", "-DOTHER"))
        # common/vec.h: no vec.c; m1/other.c comes before m1/pool.c.
        self.assertIn("-DOTHER", found["common/vec.h"]["arguments"])

    def test_cpp_only_header_is_a_cpp_header(self):
        args = self.entries(compile_action("m1/pool_test.cc"))[
            "m1/helper.h"]["arguments"]
        self.assertEqual(args[args.index("-x") + 1], "c++-header")

    def test_inc_fragments_get_no_entry(self):
        self.assertNotIn("m1/frag.inc",
                         self.entries(compile_action("m1/uses_frag.c")))


if __name__ == "__main__":
    unittest.main()
