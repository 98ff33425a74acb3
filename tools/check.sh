#!/usr/bin/env bash
# tools/check.sh - objpool's whole test matrix; what CI runs.
#
#   tools/check.sh                 everything below, in this order
#   tools/check.sh plain asan ...  only the parts named
#
# Parts:
#   plain, asan, tsan, valgrind   bazel test //... in that configuration
#   canaries                      each deliberately broken program passes
#                                 in a plain build and fails, with the
#                                 expected report, under the configuration
#                                 that claims to catch it
#   starters                      each milestone's starter code (tagged
#                                 starter) builds, and its tests fail: the
#                                 tests test something
#   fuzz                          each libFuzzer target (//fuzz:mN, clang)
#                                 runs FUZZ_SECONDS (default 10) from a copy
#                                 of fuzz/corpus/mN; a crash fails it and
#                                 its input stays where the log says
#   coverage                      tools/coverage: the tests under gcc
#                                 --coverage, and the gate (98% of lines,
#                                 95% of branches of every pool.c and
#                                 common/*.c)
#
# Every test target in every configuration, and every canary, counts once
# in the closing line "N passed, N failed". Exit status 0 only when nothing
# failed. Missing Debian packages are installed by tools/bazel.
set -uo pipefail
cd "$(dirname "$0")/.."

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

# suite CONFIG: bazel test //... and count each target's result.
suite() {
	local config=$1 rc
	echo "=== bazel test //... ($config)"
	# shellcheck disable=SC2046
	$bazel test --keep_going $(config_flags "$config") //... 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	local before=$((passed + failed)) target status
	while read -r target status; do
		if [ "$status" = PASSED ]; then
			pass
		else
			fail "$target ($config): $status"
		fi
	done < <(sed -nE 's/^(\/\/[^ ]+) +(\(cached\) )?(PASSED|FAILED TO BUILD|FAILED|TIMEOUT|FLAKY|NO STATUS|INCOMPLETE).*/\1 \3/p' "$log")
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		fail "bazel test //... ($config) exited $rc"
	elif [ $((passed + failed)) -eq "$before" ]; then
		fail "bazel test //... ($config) reported no test"
	fi
}

# expect_caught CONFIG TARGET PATTERN: the test must fail under CONFIG and
# its log must contain PATTERN (grep -E).
expect_caught() {
	local config=$1 target=$2 pattern=$3 rc
	# shellcheck disable=SC2046
	$bazel test $(config_flags "$config") --test_output=all "$target" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 3 ] && grep -qE "$pattern" "$log"; then
		echo "caught: $target under $config ($pattern)"
		pass
	else
		cat "$log"
		fail "$target ($config) was not caught: expected /$pattern/, bazel exit $rc"
	fi
}

# expect_clean TARGET: the canary itself runs fine in a plain build.
expect_clean() {
	if $bazel test --test_output=errors "$1" >"$log" 2>&1; then
		echo "clean in a plain build: $1"
		pass
	else
		cat "$log"
		fail "$1 (plain): a canary must pass when nothing checks it"
	fi
}

canaries() {
	echo "=== canaries"
	local c=//tools/canaries
	for name in data_race heap_use_after_free leak signed_overflow; do
		expect_clean "$c:$name"
	done
	expect_caught asan "$c:heap_use_after_free" 'AddressSanitizer: heap-use-after-free'
	expect_caught asan "$c:signed_overflow" 'runtime error: signed integer overflow'
	expect_caught asan "$c:leak" 'LeakSanitizer: detected memory leaks'
	expect_caught tsan "$c:data_race" 'ThreadSanitizer: data race'
	expect_caught valgrind "$c:leak" 'definitely lost'
	expect_caught valgrind "$c:heap_use_after_free" 'Invalid read'
	# Milestone 2's limit: a guard released after its pool was freed.
	expect_caught asan //m2_guard:dangling_pool_demo 'AddressSanitizer: heap-use-after-free'
	expect_caught valgrind //m2_guard:dangling_pool_demo 'Invalid (read|write)'
}

# starters: every target tagged starter must build and fail its tests
# (bazel exits 3 for failed tests, 1 for a failed build).
starters() {
	echo "=== starters"
	local targets target rc
	targets=$($bazel query 'attr(tags, "\bstarter\b", //...)' 2>/dev/null)
	if [ -z "$targets" ]; then
		fail "no target is tagged starter"
		return
	fi
	for target in $targets; do
		$bazel test --test_output=summary "$target" >"$log" 2>&1
		rc=$?
		if [ "$rc" -eq 3 ]; then
			echo "fails as it should: $target"
			pass
		else
			cat "$log"
			fail "$target: starter code must build and fail its tests (bazel exit $rc)"
		fi
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

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(plain asan tsan valgrind canaries starters fuzz coverage)
for part in "${parts[@]}"; do
	case $part in
	plain | asan | tsan | valgrind) suite "$part" ;;
	canaries) canaries ;;
	starters) starters ;;
	fuzz) fuzz ;;
	coverage) coverage ;;
	*)
		echo "tools/check.sh: unknown part '$part' (plain asan tsan valgrind canaries starters fuzz coverage)" >&2
		exit 2
		;;
	esac
done

echo
for f in "${failures[@]}"; do
	echo "FAILED: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
