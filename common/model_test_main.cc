/* The model test of a milestone (linked with its //mN_x:model): seeded
 * random programs, then every operation under the allocation failure
 * sweep after a few random prefixes. A divergence aborts with the step and
 * a replay command:
 *
 *	bazel test //m3_refcount:model_test --test_env=MODEL_SEED=17
 *	bazel test //m3_refcount:model_test --test_env=MODEL_PROGRAM=0a1b2c...
 *
 * MODEL_SEED runs that one seed's program, MODEL_PROGRAM the program
 * given in hex (a fuzzer's crash input: xxd -p crash | tr -d '\n'),
 * MODEL_SEEDS=N runs N seeds instead of the default, MODEL_TRACE=1 prints
 * every step to stderr. */
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/model.h"
#include "common/model_support.h"

namespace {

/* The program of @seed: 1 to @max_ops operations of 3 random bytes. */
std::vector<uint8_t> program(uint64_t seed, size_t max_ops)
{
	uint64_t state = seed;
	size_t ops = 1 + model::splitmix64(state) % max_ops;
	std::vector<uint8_t> bytes(3 * ops);

	for (uint8_t &b : bytes)
		b = static_cast<uint8_t>(model::splitmix64(state));
	return bytes;
}

std::string hex(const std::vector<uint8_t> &bytes)
{
	static const char digits[] = "0123456789abcdef";
	std::string out;

	for (uint8_t b : bytes) {
		out += digits[b >> 4];
		out += digits[b & 15];
	}
	return out;
}

std::vector<uint8_t> unhex(const std::string &text)
{
	std::vector<uint8_t> bytes;

	for (size_t i = 0; i + 1 < text.size(); i += 2)
		bytes.push_back(static_cast<uint8_t>(
			std::stoi(text.substr(i, 2), nullptr, 16)));
	return bytes;
}

const char *env(const char *name)
{
	const char *value = std::getenv(name);
	return value && *value ? value : nullptr;
}

void run(const std::vector<uint8_t> &bytes, const std::string &setting)
{
	model::set_replay_hint(model::replay_command(setting));
	model_run(bytes.data(), bytes.size());
}

bool replaying()
{
	return env("MODEL_SEED") || env("MODEL_PROGRAM");
}

TEST(Model, RandomPrograms)
{
	if (const char *text = env("MODEL_PROGRAM")) {
		run(unhex(text), std::string("MODEL_PROGRAM=") + text);
		return;
	}
	uint64_t first = 1, count = 200;

	if (const char *seed = env("MODEL_SEED")) {
		first = std::strtoull(seed, nullptr, 10);
		count = 1;
	} else if (const char *seeds = env("MODEL_SEEDS")) {
		count = std::strtoull(seeds, nullptr, 10);
	}
	for (uint64_t seed = first; seed < first + count; seed++)
		run(program(seed, 200), "MODEL_SEED=" + std::to_string(seed));
}

/* Each op code (all 128, so every milestone's operations, each several
 * times) under the sweep: first as the program's first step, then after
 * short random prefixes that build a state. */
TEST(Model, EveryOperationUnderAllocationFailure)
{
	if (replaying())
		return;
	for (uint64_t seed = 0; seed <= 4; seed++) {
		for (unsigned code = 0; code < 128; code++) {
			/* seed 0: no prefix, the pool's creation is swept too */
			std::vector<uint8_t> bytes;
			if (seed > 0)
				bytes = program(1000 * seed + code, 12);
			uint64_t state = seed * 128 + code;

			bytes.push_back(static_cast<uint8_t>(0x80 | code));
			bytes.push_back(
				static_cast<uint8_t>(model::splitmix64(state)));
			bytes.push_back(
				static_cast<uint8_t>(model::splitmix64(state)));
			run(bytes, "MODEL_PROGRAM=" + hex(bytes));
		}
	}
}

} // namespace
