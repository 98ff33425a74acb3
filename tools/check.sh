#!/usr/bin/env bash
# tools/check.sh - objpool's whole test matrix; what CI runs.
#
#   tools/check.sh                 every part, in the order of PARTS
#   tools/check.sh plain asan ...  only the parts named
#   tools/check.sh --list-parts    the parts, one a line (CI's workflow
#                                  runs one job per part)
#
# Parts:
#   plain, asan, tsan, valgrind   bazel test //... in that configuration;
#                                 tsan then runs the tests tagged stress
#                                 20 times each
#   canaries                      each deliberately broken program passes
#                                 in a plain build and fails, with the
#                                 expected report, under the configuration
#                                 that claims to catch it
#   starters                      each milestone's starter code (tagged
#                                 starter) builds, and its tests fail: the
#                                 tests test something; and what a starter
#                                 gives for free is the solution's code
#   fuzz                          each libFuzzer target (//fuzz:mN, clang)
#                                 runs FUZZ_SECONDS (default 10) from a copy
#                                 of fuzz/corpus/mN; a crash fails it and
#                                 its input stays where the log says
#   coverage                      tools/coverage: the tests under gcc
#                                 --coverage, and the gate (98% of lines,
#                                 95% of branches of every pool.c and
#                                 common/*.c)
#   compdb                        tools/compdb writes compile_commands.json
#                                 and clangd reports no error in any C, C++
#                                 or header file of the repository
#   format                        tools/format would change no file (and
#                                 does see a misformatted one)
#   workflow                      .github/workflows/ci.yml parses and runs
#                                 one job per part of PARTS, each through
#                                 .ci/run (and a wrong part list is caught)
#
# The closing line "N passed, N failed" counts each test target once per
# configuration (a stress test twice under tsan: once in //..., once for
# its 20 runs), each canary once per check (clean in a plain build, and
# caught under each configuration that claims to find it), each starter,
# each file clangd checks and each check of the format and workflow parts
# once; a part whose bazel run failed without naming a failed target
# counts as one failure more. Before it, a table gives each part's
# wall time and the total. Exit status 0 only when nothing failed.
# Missing Debian packages are installed by tools/bazel.
set -uo pipefail
cd "$(dirname "$0")/.."

# Every part, in the order of a full run (.ci/run) and of the workflow's
# matrix (.github/workflows/ci.yml; the workflow part checks they agree).
PARTS=(plain asan tsan valgrind canaries starters fuzz coverage compdb format workflow)

bazel=tools/bazel
passed=0
failed=0
failures=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); failures+=("$1"); }

# config_flags NAME: the bazel flags of one configuration.
config_flags() {
	[ "$1" = plain ] || echo "--config=$1"
}

# results: the result of each test target that the bazel test run in $log
# reports, one "TARGET RESULT" a line; RESULT is PASSED, FAILED, FAILED TO
# BUILD, TIMEOUT, FLAKY, NO STATUS or INCOMPLETE, cached or not.
results() {
	sed -nE 's/^(\/\/[^ ]+) +(\(cached\) )?(PASSED|FAILED TO BUILD|FAILED|TIMEOUT|FLAKY|NO STATUS|INCOMPLETE).*/\1 \3/p' "$log"
}

# result_of TARGET: TARGET's result in $log (results); empty when the log
# reports none.
result_of() {
	results | awk -v target="$1" '$1 == target { sub(/^[^ ]+ /, ""); print }'
}

# suite CONFIG [FLAG...]: bazel test //... (with FLAGs) and count each
# target's result.
suite() {
	local config=$1 rc
	shift
	echo "=== bazel test //... ($config${*:+ $*})"
	# shellcheck disable=SC2046
	$bazel test --keep_going $(config_flags "$config") "$@" //... 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	local before=$((passed + failed)) failed_before=$failed target status
	while read -r target status; do
		if [ "$status" = PASSED ]; then
			pass
		else
			fail "$target ($config${*:+ $*}): $status"
		fi
	done < <(results)
	if [ "$rc" -ne 0 ] && [ "$failed" -eq "$failed_before" ]; then
		fail "bazel test //... ($config${*:+ $*}) exited $rc"
	elif [ $((passed + failed)) -eq "$before" ]; then
		fail "bazel test //... ($config${*:+ $*}) reported no test"
	fi
}

# stress: the tests tagged stress (m7's and m8's threaded tests) 20 times
# each under TSan: a race that shows in one run of 20 still fails the
# check. Part of the tsan part.
stress() {
	suite tsan --runs_per_test=20 --test_tag_filters=stress,-no_tsan
}

# test_log TARGET: the log of TARGET's last run (bazel-testlogs follows
# the configuration of the last bazel command).
test_log() {
	local path=${1#//}
	echo "bazel-testlogs/${path/://}/test.log"
}

# expect_clean TARGET...: the canaries themselves run fine in a plain
# build, all in one bazel run.
expect_clean() {
	$bazel test --keep_going --test_output=errors "$@" >"$log" 2>&1
	local target
	for target in "$@"; do
		if [ "$(result_of "$target")" = PASSED ]; then
			echo "clean in a plain build: $target"
			pass
		else
			cat "$log"
			fail "$target (plain): a canary must pass when nothing checks it"
		fi
	done
}

# expect_caught CONFIG TARGET PATTERN [TARGET PATTERN ...]: each TARGET
# must fail under CONFIG (build, then fail its test), and its log must
# contain its PATTERN (grep -E). One bazel run per configuration.
expect_caught() {
	local config=$1 targets=() target pattern
	shift
	for ((i = 1; i <= $#; i += 2)); do
		targets+=("${!i}")
	done
	# shellcheck disable=SC2046
	$bazel test --keep_going $(config_flags "$config") "${targets[@]}" >"$log" 2>&1
	while [ $# -gt 0 ]; do
		target=$1 pattern=$2
		shift 2
		if [ "$(result_of "$target")" = FAILED ] && grep -qE "$pattern" "$(test_log "$target")"; then
			echo "caught: $target under $config ($pattern)"
			pass
		else
			cat "$log"
			fail "$target ($config) was not caught: expected /$pattern/"
		fi
	done
}

canaries() {
	echo "=== canaries"
	local c=//tools/canaries
	expect_clean $c:data_race $c:heap_use_after_free $c:leak $c:signed_overflow
	# And milestone 2's limit: a guard released after its pool was freed.
	expect_caught asan \
		$c:heap_use_after_free 'AddressSanitizer: heap-use-after-free' \
		$c:signed_overflow 'runtime error: signed integer overflow' \
		$c:leak 'LeakSanitizer: detected memory leaks' \
		//m2_guard:dangling_pool_demo 'AddressSanitizer: heap-use-after-free'
	expect_caught tsan $c:data_race 'ThreadSanitizer: data race'
	expect_caught valgrind \
		$c:leak 'definitely lost' \
		$c:heap_use_after_free 'Invalid read' \
		//m2_guard:dangling_pool_demo 'Invalid (read|write)'
}

# definitions FILE DIR: split the C file FILE into its top-level
# definitions (functions, structs), one file per name in DIR, each from its
# first line to the closing brace at column 0.
definitions() {
	awk -v dir="$2" '
	!inside && /^(\/\*| \*|$|#)/ { pending = ""; next }
	!inside && /^\{$/ { inside = 1; text = pending $0 "\n"; next }
	!inside && /^(static |typedef )?struct [a-z_]+ \{$/ {
		inside = 1; text = $0 "\n"; name = $2 == "struct" ? $3 : $2
		name = "struct_" name; next
	}
	!inside {
		if (pending == "") {
			name = $0; sub(/^__attribute__\(\([^)]*\)\) /, "", name)
			sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
		}
		pending = pending $0 "\n"; next
	}
	{ text = text $0 "\n" }
	/^\}/ { inside = 0; pending = ""; printf "%s", text > (dir "/" name); close(dir "/" name) }
	' "$1"
}

# given_matches DIR: every definition that DIR/starter/pool.c gives for
# free (no UNIMPLEMENTED in it) is the same text in DIR/pool.c, so that a
# fix to the solution cannot leave the starter behind.
given_matches() {
	local dir=$1 tmp name stale=()
	tmp=$(mktemp -d)
	mkdir "$tmp/solution" "$tmp/starter"
	definitions "$dir/pool.c" "$tmp/solution"
	definitions "$dir/starter/pool.c" "$tmp/starter"
	for name in $(ls "$tmp/starter"); do
		grep -q UNIMPLEMENTED "$tmp/starter/$name" && continue
		if ! cmp -s "$tmp/starter/$name" "$tmp/solution/$name"; then
			diff -u "$tmp/solution/$name" "$tmp/starter/$name"
			stale+=("$name")
		fi
	done
	rm -rf "$tmp"
	if [ ${#stale[@]} -eq 0 ]; then
		echo "given code matches the solution: $dir/starter/pool.c"
		pass
	else
		fail "$dir/starter/pool.c: given code differs from pool.c in ${stale[*]}"
	fi
}

# starters: every target tagged starter must build and fail its tests, in
# a plain build (the sanitizers would only fail them again), all in one
# bazel run: each must be reported FAILED, not FAILED TO BUILD.
starters() {
	echo "=== starters"
	local targets target
	targets=$($bazel query 'attr(tags, "\bstarter\b", //...)' 2>/dev/null)
	if [ -z "$targets" ]; then
		fail "no target is tagged starter"
		return
	fi
	# shellcheck disable=SC2086
	$bazel test --keep_going --test_output=summary $targets >"$log" 2>&1
	for target in $targets; do
		if [ "$(result_of "$target")" = FAILED ]; then
			echo "fails as it should: $target"
			pass
		else
			cat "$log"
			fail "$target: starter code must build and fail its tests"
		fi
	done
	for dir in m*/starter; do
		given_matches "${dir%/starter}"
	done
}

# fuzz: build every fuzzer with --config=fuzz, then run each for
# FUZZ_SECONDS from a scratch copy of its committed corpus (the repository
# is not modified). A crash leaves the input in a kept directory, named in
# the log.
fuzz() {
	echo "=== fuzz"
	local seconds=${FUZZ_SECONDS:-10} targets target name bin work rc
	targets=$($bazel query 'kind(cc_binary, //fuzz:*)' 2>/dev/null)
	if [ -z "$targets" ]; then
		fail "no fuzzer in //fuzz"
		return
	fi
	# shellcheck disable=SC2086
	if ! $bazel build --config=fuzz $targets >"$log" 2>&1; then
		cat "$log"
		fail "bazel build --config=fuzz //fuzz:all"
		return
	fi
	bin=$($bazel info --config=fuzz bazel-bin 2>/dev/null)
	for target in $targets; do
		name=${target##*:}
		work=$(mktemp -d "${TMPDIR:-/tmp}/objpool-fuzz-$name.XXXXXX")
		mkdir "$work/corpus" "$work/crashes"
		cp -R "fuzz/corpus/$name/." "$work/corpus/"
		"$bin/fuzz/$name" -max_total_time="$seconds" -print_final_stats=1 \
			-artifact_prefix="$work/crashes/" "$work/corpus" >"$log" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ]; then
			echo "fuzzed $target for ${seconds}s: $(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') runs, no crash"
			rm -rf "$work"
			pass
		else
			tail -n 60 "$log"
			echo "crashing input kept in $work/crashes/ (replay: $bin/fuzz/$name $work/crashes/crash-*)"
			fail "$target crashed (exit $rc); input in $work/crashes/"
		fi
	done
}

# coverage: tools/coverage, gate included.
coverage() {
	echo "=== coverage"
	if tools/coverage; then
		pass
	else
		fail "tools/coverage: a test failed or a file is below the gate"
	fi
}

# clangd_errors FILE: clangd's error diagnostics for FILE, one a line, with
# the compile command of compile_commands.json (or one clangd derives).
clangd_errors() {
	clangd-14 --check="$1" --check-lines=1 2>&1 |
		grep -E '^E\[[^]]*\] \[[^]]+\] Line [0-9]+:'
}

# compdb: tools/compdb.py passes its tests, tools/compdb works, and clangd
# finds no error in any C, C++ or header file with its entry; a file with
# a planted error proves that clangd_errors sees errors.
compdb() {
	echo "=== compdb"
	tools/install-missing clangd-14:/usr/bin/clangd-14
	if PYTHONDONTWRITEBYTECODE=1 python3 tools/compdb_test.py >"$log" 2>&1; then
		echo "tools/compdb_test.py: $(grep -E '^Ran ' "$log")"
		pass
	else
		cat "$log"
		fail "tools/compdb_test.py"
	fi
	if ! tools/compdb >"$log" 2>&1; then
		cat "$log"
		fail "tools/compdb failed"
		return
	fi
	tail -n 1 "$log"
	local planted file listed checked=0
	planted=$(mktemp -p common planted_XXXXXX.c)
	echo 'int planted(void) { return undeclared; }' >"$planted"
	clangd_errors "$planted" >"$log"
	if grep -q "undeclared identifier 'undeclared'" "$log"; then
		echo "clangd reports a planted error"
		pass
	else
		fail "clangd_errors missed the error planted in a C file"
	fi
	rm -f "$planted"
	listed=$(python3 -c 'import json
for e in json.load(open("compile_commands.json")): print(e["file"])')
	for file in $(git ls-files '*.c' '*.cc' '*.h'); do
		checked=$((checked + 1))
		if ! grep -qxF "$file" <<<"$listed"; then
			fail "$file: no entry in compile_commands.json (not in any target?)"
		elif clangd_errors "$file" >"$log"; then
			cat "$log"
			fail "$file: clangd reports errors"
		else
			pass
		fi
	done
	echo "clangd: checked $checked files"
}

# format: first tools/format --check must report a misformatted C file and
# BUILD file planted in a temporary directory; then it must find nothing to
# change in the repository.
format() {
	echo "=== format"
	local dir file
	dir=$(mktemp -d)
	printf 'int  planted( void ){return 0;}\n' >"$dir/planted.c"
	printf 'cc_library(name="planted",srcs=["planted.c"])\n' >"$dir/BUILD"
	for file in "$dir/planted.c" "$dir/BUILD"; do
		if tools/format --check "$file" >"$log" 2>&1; then
			cat "$file"
			fail "tools/format --check passed a misformatted ${file##*/}"
		else
			echo "tools/format --check reports a misformatted ${file##*/}"
			pass
		fi
	done
	rm -rf "$dir"
	if tools/format --check >"$log" 2>&1; then
		echo "every file is formatted"
		pass
	else
		cat "$log"
		fail "files need tools/format (run it and commit the result)"
	fi
}

# workflow: tools/check_workflow.py finds the workflow in step with PARTS,
# and finds it out of step with PARTS plus one more.
workflow() {
	echo "=== workflow"
	local check=(/usr/bin/python3 tools/check_workflow.py
		.github/workflows/ci.yml .ci/run)
	tools/install-missing python3-yaml:/usr/lib/python3/dist-packages/yaml/__init__.py
	if "${check[@]}" "${PARTS[@]}" no_such_part >"$log" 2>&1; then
		fail "tools/check_workflow.py missed a part the workflow lacks"
	else
		echo "a part missing from the workflow is caught"
		pass
	fi
	if "${check[@]}" "${PARTS[@]}"; then
		pass
	else
		fail "the workflow does not run exactly the parts of tools/check.sh"
	fi
}

if [ "${1:-}" = --list-parts ]; then
	printf '%s\n' "${PARTS[@]}"
	exit 0
fi
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=("${PARTS[@]}")
times=()
start_all=$(date +%s)
for part in "${parts[@]}"; do
	start=$(date +%s)
	case $part in
	plain | asan | valgrind) suite "$part" ;;
	tsan)
		suite tsan
		stress
		;;
	canaries) canaries ;;
	starters) starters ;;
	fuzz) fuzz ;;
	coverage) coverage ;;
	compdb) compdb ;;
	format) format ;;
	workflow) workflow ;;
	*)
		echo "tools/check.sh: unknown part '$part' (${PARTS[*]})" >&2
		exit 2
		;;
	esac
	times+=("$(printf '%-10s %5d s' "$part" $(($(date +%s) - start)))")
done

echo
echo "wall time per part:"
printf '  %s\n' "${times[@]}"
printf '  %-10s %5d s\n' total $(($(date +%s) - start_all))
for f in "${failures[@]}"; do
	echo "FAILED: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
