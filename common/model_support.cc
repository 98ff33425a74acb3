#include "common/model_support.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/mem_testing.h"

namespace model {

namespace {

constexpr uint64_t kMagic = 0x6f626a706f6f6c21; /* "objpool!" */
constexpr uint64_t kDead = 0xdeaddeaddeaddead;

/* The step now running, for fail(). */
struct Step {
	size_t number = 0;
	const char *name = "start";
	Op op = { 0, false, 0, 0 };
	std::string replay;
};

Step &current()
{
	static Step step;
	return step;
}

} // namespace

Op Program::next(unsigned n_ops)
{
	uint8_t code = byte();
	Op op;

	op.code = (code & 0x7f) % n_ops;
	op.sweep = (code & 0x80) != 0;
	op.a = byte();
	op.b = byte();
	return op;
}

Objects::~Objects()
{
	for (auto &entry : alive_)
		delete entry.second;
}

void *Objects::make_locked()
{
	Obj *o = new Obj{ kMagic, next_id_++, false, false };
	alive_[o->id] = o;
	addresses_.insert(o);
	return o;
}

void *Objects::make(void *ctx)
{
	auto *self = static_cast<Objects *>(ctx);
	std::lock_guard<std::mutex> hold(self->lock_);

	if (self->fail_count_ > 0) {
		self->fail_count_--;
		self->factory_failures_++;
		if (self->fail_errno_)
			errno = self->fail_errno_;
		return nullptr;
	}
	return self->make_locked();
}

void *Objects::make_foreign()
{
	std::lock_guard<std::mutex> hold(lock_);
	return make_locked();
}

Obj *obj(void *p)
{
	Obj *o = static_cast<Obj *>(p);

	if (!o)
		fail("object", "an object", "NULL");
	if (o->magic != kMagic)
		fail("object magic", show(kMagic), show(o->magic));
	return o;
}

Obj *Objects::alive_locked(void *p, const char *what)
{
	Obj *o = obj(p);

	if (!alive_.count(o->id))
		fail(what, "an object alive", "one destroyed");
	return o;
}

void Objects::reset(void *p, void *ctx)
{
	auto *self = static_cast<Objects *>(ctx);
	std::lock_guard<std::mutex> hold(self->lock_);

	self->alive_locked(p, "reset")->dirty = false;
	self->resets_++;
}

void Objects::destroy(void *p, void *ctx)
{
	auto *self = static_cast<Objects *>(ctx);
	Obj *o = obj(p);
	std::lock_guard<std::mutex> hold(self->lock_);

	if (!self->alive_.erase(o->id))
		fail("destroy of an object not alive", "alive", "not");
	self->addresses_.erase(o);
	self->destroyed_++;
	o->magic = kDead;
	delete o;
}

bool Objects::validate(void *p, void *ctx)
{
	auto *self = static_cast<Objects *>(ctx);
	std::lock_guard<std::mutex> hold(self->lock_);

	return !self->alive_locked(p, "validate")->broken;
}

void Objects::fail_factory(unsigned count, int err)
{
	std::lock_guard<std::mutex> hold(lock_);
	fail_count_ = count;
	fail_errno_ = err;
}

size_t Objects::alive() const
{
	std::lock_guard<std::mutex> hold(lock_);
	return alive_.size();
}

bool Objects::is_alive(const void *p) const
{
	std::lock_guard<std::mutex> hold(lock_);
	return addresses_.count(p) != 0;
}

bool Objects::is_alive_id(uint64_t id) const
{
	std::lock_guard<std::mutex> hold(lock_);
	return alive_.count(id) != 0;
}

uint64_t Objects::next_id() const
{
	std::lock_guard<std::mutex> hold(lock_);
	return next_id_;
}

std::vector<void *> Objects::alive_since(uint64_t id) const
{
	std::lock_guard<std::mutex> hold(lock_);
	std::vector<void *> made;

	for (auto it = alive_.lower_bound(id); it != alive_.end(); ++it)
		made.push_back(it->second);
	return made;
}

size_t Objects::factory_failures() const
{
	std::lock_guard<std::mutex> hold(lock_);
	return factory_failures_;
}

size_t Objects::destroyed() const
{
	std::lock_guard<std::mutex> hold(lock_);
	return destroyed_;
}

size_t Objects::resets() const
{
	std::lock_guard<std::mutex> hold(lock_);
	return resets_;
}

Observation::Observation(const Objects &objs)
    : objs_(objs), mem_pending_(mem_fail_pending()),
      factory_failures_(objs.factory_failures()), first_id_(objs.next_id())
{
}

bool Observation::mem_failed() const
{
	return mem_fail_pending() < mem_pending_;
}

bool Observation::factory_failed() const
{
	return objs_.factory_failures() > factory_failures_;
}

void Observation::check_error(int err, int factory_errno) const
{
	bool explained = (err == ENOMEM && mem_failed()) ||
			 (factory_failed() &&
			  err == (factory_errno ? factory_errno : ENOMEM));

	if (!explained)
		fail("error without an injected failure to explain it",
		     mem_failed()	? "ENOMEM"
		     : factory_failed() ? show(factory_errno)
					: "success",
		     std::strerror(err));
}

void Failures::arm_alloc(const Op &op)
{
	mem_fail_after(op.a % 4, op.b % 3);
}

void Failures::arm_factory(Objects &objs, const Op &op)
{
	factory_errno = op.b & 1 ? ECONNREFUSED : 0;
	objs.fail_factory(op.a % 3, factory_errno);
}

void Failures::disarm(Objects &objs)
{
	mem_fail_next(0);
	objs.fail_factory(0, 0);
}

std::vector<void *> check_preallocate(const Observation &obs, size_t count,
				      int ret, int refusal, int factory_errno)
{
	std::vector<void *> made = obs.made();

	if (refusal) {
		check_eq("pool_preallocate", refusal, ret);
		check_eq("objects made", 0u, made.size());
	} else if (ret == 0) {
		check_eq("objects made", count, made.size());
	} else {
		obs.check_error(-ret, factory_errno);
		if (made.size() >= count)
			fail("objects made before the error",
			     "fewer than " + show(count), show(made.size()));
	}
	return made;
}

void check_alive(const Objects &objs, const std::vector<void *> &objects)
{
	for (void *obj : objects)
		if (!objs.is_alive(obj))
			fail("object held", "alive", "destroyed");
}

void drop_one(Objects &objs, std::vector<void *> &own, size_t i)
{
	if (own.empty())
		return;
	i %= own.size();
	Objects::destroy(own[i], &objs);
	own.erase(own.begin() + static_cast<std::ptrdiff_t>(i));
}

void destroy_all(Objects &objs, std::vector<void *> &own)
{
	for (void *obj : own)
		Objects::destroy(obj, &objs);
	own.clear();
	check_eq("objects alive in the end", 0u, objs.alive());
}

void begin_step(const Op &op, const char *name)
{
	Step &step = current();

	step.number++;
	step.name = name;
	step.op = op;
	static const bool trace = std::getenv("MODEL_TRACE") != nullptr;

	if (trace)
		std::fprintf(stderr, "model: step %zu: %s%s a=%u b=%u\n",
			     step.number, op.sweep ? "sweep " : "", name, op.a,
			     op.b);
}

void set_replay_hint(const std::string &hint)
{
	current() = Step();
	current().replay = hint;
}

std::string replay_command(const std::string &setting)
{
	const char *target = std::getenv("TEST_TARGET");

	return std::string("bazel test ") +
	       (target && *target ? target : "<this test>") +
	       " --test_env=" + setting;
}

uint64_t splitmix64(uint64_t &state)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
	return z ^ (z >> 31);
}

void fail(const char *what, const std::string &expected,
	  const std::string &actual)
{
	const Step &step = current();

	std::fprintf(stderr,
		     "model: divergence at step %zu (%s%s a=%u b=%u): %s: "
		     "expected %s, "
		     "actual %s\n",
		     step.number, step.op.sweep ? "sweep " : "", step.name,
		     step.op.a, step.op.b, what, expected.c_str(),
		     actual.c_str());
	if (!step.replay.empty())
		std::fprintf(stderr, "model: replay: %s\n",
			     step.replay.c_str());
	std::fflush(stderr);
	std::abort();
}

void run_op(bool sweep, const std::function<void()> &attempt)
{
	if (!sweep) {
		attempt();
		return;
	}
	mem_fail_next(0);
	/* Far more than any operation allocates. */
	for (size_t n = 0; n < 64; n++) {
		mem_fail_after(n, 1);
		attempt();
		bool used = mem_fail_pending() == 0;

		mem_fail_next(0);
		if (!used)
			return;
	}
	fail("allocation failure sweep", "an end within 64 allocations",
	     "no end");
}

void run_program(const uint8_t *data, size_t size, unsigned n_codes,
		 const char *const *names, unsigned arm_code,
		 const std::function<void(const Op &)> &step,
		 const std::function<void()> &finish)
{
	Program program(data, size);

	mem_fail_next(0);
	while (!program.done()) {
		Op op = program.next(n_codes);

		begin_step(op, names[op.code]);
		run_op(op.sweep && op.code != arm_code, [&] { step(op); });
	}
	finish();
}

} // namespace model
