/* What every milestone's model (common/model.h) is made of (C++,
 * test-only): the program reader, the objects the factory makes and
 * tracks, the divergence report, and the allocation failure sweep.
 *
 *	model::Program prog(data, size);
 *	model::Objects objs;			// the pool's ctx
 *	while (!prog.done()) {
 *		model::Op op = prog.next(N_OPS);
 *		model::begin_step(op, name[op.code]);
 *		model::Observation obs(objs);	// what the op will do
 *		...				// run it on pool and model
 *		MODEL_CHECK_EQ(model_count, pool_count);
 *	}
 */
#ifndef OBJPOOL_COMMON_MODEL_SUPPORT_H
#define OBJPOOL_COMMON_MODEL_SUPPORT_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace model {

/* One operation: what the op byte selects, and two argument bytes. */
struct Op {
	unsigned code; /* op byte's low 7 bits modulo the number of ops */
	bool sweep;    /* op byte's high bit: run under a failure sweep */
	uint8_t a, b;  /* the arguments */
};

/* The bytes of a program; reading past the end gives 0s, so that any byte
 * string is a program. */
class Program {
      public:
	Program(const uint8_t *data, size_t size) : data_(data), size_(size) {}
	bool done() const { return pos_ >= size_; }
	uint8_t byte() { return pos_ < size_ ? data_[pos_++] : (pos_++, 0); }
	/* The next operation, its code below @n_ops. */
	Op next(unsigned n_ops);

      private:
	const uint8_t *data_;
	size_t size_;
	size_t pos_ = 0;
};

/* What the factory makes: a small object that knows it is one. */
struct Obj {
	uint64_t magic; /* kMagic while alive */
	uint64_t id;	/* 1, 2, ... in the order they were made */
	bool dirty;	/* written by a user since the last reset */
	bool broken;	/* validate says no (milestone 8) */
};

/* Every object made for the pool (its ctx: make, reset and destroy are its
 * callbacks) or outside it, alive or destroyed; thread-safe. A destroy of
 * something not alive is a divergence, reported at once. */
class Objects {
      public:
	~Objects();
	static void *make(void *ctx);
	static void reset(void *obj, void *ctx);
	static void destroy(void *obj, void *ctx);
	/* pool_validate_fn (milestone 8): whether @obj is not broken. */
	static bool validate(void *obj, void *ctx);

	/* An object made outside the pool (alive, counted). */
	void *make_foreign();
	/* The next @count factory calls fail, setting errno @err (0: none). */
	void fail_factory(unsigned count, int err);

	size_t alive() const;
	/* Whether @obj is alive; never reads *@obj. */
	bool is_alive(const void *obj) const;
	/* Whether the object with id @id is alive (its address may have
	 * gone to a newer one). */
	bool is_alive_id(uint64_t id) const;
	uint64_t next_id() const;
	/* The objects made with an id >= @id and still alive, oldest first. */
	std::vector<void *> alive_since(uint64_t id) const;
	size_t factory_failures() const;
	size_t destroyed() const;
	size_t resets() const;

      private:
	void *make_locked();
	/* @obj as an Obj, which must be alive (a callback's argument, named
	 * @what in the report). Context: lock_ held. */
	Obj *alive_locked(void *obj, const char *what);
	mutable std::mutex lock_;
	std::map<uint64_t, Obj *> alive_;  /* by id */
	std::set<const void *> addresses_; /* of the objects in alive_ */
	uint64_t next_id_ = 1;
	unsigned fail_count_ = 0;
	int fail_errno_ = 0;
	size_t factory_failures_ = 0;
	size_t destroyed_ = 0;
	size_t resets_ = 0;
};

/* Obj of a pool's void *, checked to be one (divergence if not). */
Obj *obj(void *p);

/* What happened during one operation: injected failures consumed,
 * objects made. Taken before the operation runs. */
class Observation {
      public:
	explicit Observation(const Objects &objs);
	bool mem_failed() const;     /* an injected allocation failure hit */
	bool factory_failed() const; /* an injected factory failure hit */
	/* Objects made since, and alive: what the pool kept. */
	std::vector<void *> made() const
	{
		return objs_.alive_since(first_id_);
	}
	/* Check that error @err (a positive errno) is explained: ENOMEM by
	 * an allocation failure, or by a factory failure that set no errno,
	 * another value by a factory failure that set it. */
	void check_error(int err, int factory_errno) const;

      private:
	const Objects &objs_;
	size_t mem_pending_;
	size_t factory_failures_;
	uint64_t first_id_;
};

/* The failures a program arms: allocation failures (mem_fail_after) and
 * factory failures, and the errno those set. */
struct Failures {
	int factory_errno = 0; /* what a failing factory sets; 0: none */

	/* Arm failures as @op's arguments say: after a few allocations,
	 * fail a few; or fail the next few factory calls. */
	void arm_alloc(const Op &op);
	void arm_factory(Objects &objs, const Op &op);
	/* Disarm both. */
	void disarm(Objects &objs);
};

/* Check pool_preallocate(@count)'s outcome @ret, observed by @obs: with
 * @refusal (an -errno; 0 for none) it must return that and make nothing;
 * else 0 having made @count objects, or an error @obs explains, having
 * made fewer. Return: the objects made, now idle, oldest first. */
std::vector<void *> check_preallocate(const Observation &obs, size_t count,
				      int ret, int refusal, int factory_errno);

/* Check that each of @objects is alive. */
void check_alive(const Objects &objs, const std::vector<void *> &objects);

/* Destroy the object @i (modulo the size) of @own and remove it. */
void drop_one(Objects &objs, std::vector<void *> &own, size_t i);

/* Destroy every object of @own (the program's), then check that no
 * object is alive: the end of every model_run. */
void destroy_all(Objects &objs, std::vector<void *> &own);

/* Name the step that runs now, for the divergence report (and for a trace
 * on stderr when MODEL_TRACE is set). */
void begin_step(const Op &op, const char *name);

/* What a failure report ends with: how to replay it. */
void set_replay_hint(const std::string &hint);

/* "bazel test <this test's target> --test_env=@setting": the replay
 * command of a test run with @setting in its environment. */
std::string replay_command(const std::string &setting);

/* splitmix64: a tiny, good enough, reproducible generator; advances
 * @state and returns the next number. */
uint64_t splitmix64(uint64_t &state);

/* Report a divergence: step, operation, @what, expected and actual, the
 * replay hint; then abort(). */
[[noreturn]] void fail(const char *what, const std::string &expected,
		       const std::string &actual);

template <class T> std::string show(const T &value)
{
	std::ostringstream out;
	out << value;
	return out.str();
}

template <class A, class B>
void check_eq(const char *what, const A &expected, const B &actual)
{
	if (!(expected == actual))
		fail(what, show(expected), show(actual));
}

#define MODEL_CHECK_EQ(expected, actual)                                       \
	::model::check_eq(#actual, (expected), (actual))
#define MODEL_CHECK(cond)                                                      \
	::model::check_eq(#cond, true, static_cast<bool>(cond))

/* Run @attempt as is when @sweep is false. Otherwise run it with the 1st
 * allocation failing, then the 2nd, ... (each attempt checks its outcome
 * and the state after it: a failed attempt must have changed nothing),
 * until an attempt leaves its injected failure unused. Injected failures
 * armed before are dropped. */
void run_op(bool sweep, const std::function<void()> &attempt);

/* What every model_run does: read the operations of @data[0..@size) one
 * by one, name each step (@names[code]), run @step on it, under the sweep
 * when its op byte asks, except for @arm_code, the op that arms injected
 * allocation failures itself; then @finish. */
void run_program(const uint8_t *data, size_t size, unsigned n_codes,
		 const char *const *names, unsigned arm_code,
		 const std::function<void(const Op &)> &step,
		 const std::function<void()> &finish);

/* Set errno to this before an operation: a success must leave it so. */
constexpr int kErrnoCanary = 12345;

} // namespace model

#endif
