#!/usr/bin/env python3
"""Turn `bazel aquery --output=jsonproto` into compile_commands.json.

Usage: compdb.py WORKSPACE EXECROOT < aquery.json > compile_commands.json

Bazel runs each compile command in its execution root, where the sources of
this workspace, external/ (other repositories, such as googletest) and
bazel-out/ (generated files) sit side by side. An editor opens the files of
the workspace itself, so every entry gets the workspace as its directory
and each path into external/ or bazel-out/ becomes absolute under the
execution root.

One entry per source file of the workspace: the first action that compiles
it (a file compiled by two targets, such as a solution and its starter,
needs one). One entry per header of the workspace too, so that an editor
checks it with the flags and language of a file that includes it
(#include "...", directly or not): the source beside it with the same name
(pool.h: pool.c) if that one includes it, else the first C file, else the
first C++ file, in the order of their paths.

Two changes to Bazel's commands, both for clang, which an editor runs
(clangd) where Bazel runs gcc: gcc-only flags are dropped, and so is
-Werror, so that a warning that only clang gives shows as a warning, not as
an error (Bazel's build keeps -Werror).
"""

import json
import os
import re
import sys

# Arguments and joined flags whose path may start in the execution root.
PATH_FLAGS = ("", "-I", "-iquote", "-isystem", "-idirafter", "-include")
EXECROOT_DIRS = ("external/", "bazel-out/")
DROPPED = {"-fno-canonical-system-headers", "-Werror"}
C_SOURCES = (".c",)
# Headers that stand alone; an .inc fragment only makes sense where it is
# included, and gets no entry.
HEADERS = (".h",)


def absolute(arg, execroot):
    """Return ARG with an execution-root-relative path made absolute."""
    for flag in PATH_FLAGS:
        for top in EXECROOT_DIRS:
            if arg.startswith(flag + top):
                return flag + execroot + "/" + arg[len(flag):]
    return arg


INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


def includes(source, workspace):
    """Return the workspace files that SOURCE includes with #include "...",
    directly or through another, found as the compiler would: beside the
    including file, then from the workspace root (-iquote .)."""
    found, todo = set(), [source]
    while todo:
        path = todo.pop()
        try:
            with open(os.path.join(workspace, path), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue
        for name in INCLUDE.findall(text):
            for candidate in (os.path.join(os.path.dirname(path), name), name):
                candidate = os.path.normpath(candidate)
                if os.path.isfile(os.path.join(workspace, candidate)):
                    if candidate not in found:
                        found.add(candidate)
                        todo.append(candidate)
                    break
    return found


def own(path):
    """Return whether PATH is a file of this workspace, not a generated or
    external one."""
    return not path.startswith(EXECROOT_DIRS)


def entry(arguments, source, file, execroot, workspace):
    """Return the entry that compiles FILE with the command that compiles
    SOURCE; a header gets -x with the language of SOURCE."""
    args = [absolute(a, execroot) for a in arguments if a not in DROPPED]
    if file != source:
        language = "c-header" if source.endswith(C_SOURCES) else "c++-header"
        at = args.index(source)
        args[at:at + 1] = ["-x", language, file]
    return {"directory": workspace, "file": file, "arguments": args}


def header_rank(header, source):
    """Order of preference of SOURCE's command for HEADER: lower is better."""
    same_name = (os.path.splitext(header)[0] == os.path.splitext(source)[0])
    return (not same_name, not source.endswith(C_SOURCES))


def entries(aquery, workspace, execroot):
    """Return the compile_commands.json entries of the workspace's sources
    and headers, sorted by file."""
    commands, headers = {}, {}
    compiles = [(a["arguments"][a["arguments"].index("-c") + 1], a)
                for a in aquery.get("actions", [])
                if a.get("mnemonic") == "CppCompile"]
    for source, action in sorted(compiles, key=lambda c: c[0]):
        arguments = action["arguments"]
        if not own(source) or source in commands:
            continue
        commands[source] = entry(arguments, source, source, execroot,
                                 workspace)
        for header in includes(source, workspace):
            if own(header) and header.endswith(HEADERS):
                best = headers.get(header)
                if (best is None or header_rank(header, source) <
                        header_rank(header, best[0])):
                    headers[header] = (source, arguments)
    for header, (source, arguments) in headers.items():
        commands[header] = entry(arguments, source, header, execroot,
                                 workspace)
    return [commands[file] for file in sorted(commands)]


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: compdb.py WORKSPACE EXECROOT < aquery.json")
    commands = entries(json.load(sys.stdin), argv[1], argv[2])
    if not commands:
        sys.exit("compdb.py: the aquery output has no compile action")
    json.dump(commands, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
