/* model_run (common/model.h) for milestone 2: guards over a pool that
 * makes objects only in pool_preallocate, freed by pool_free once no guard
 * is out.
 *
 * The model: the idle objects in the order the pool must hand them out
 * (last in, first out), the guards out, the objects the program took. */
#include "m2_guard/pool.h"

#include <cerrno>
#include <cstdint>
#include <vector>

#include "common/model.h"
#include "common/model_support.h"

namespace {

using model::Objects;

enum Code {
	GET,
	RELEASE,
	TAKE,
	SCOPE,
	PREALLOCATE,
	FREE,
	FAIL_ALLOC,
	FAIL_FACTORY,
	MISUSE,
	DROP_TAKEN,
	CHECK,
	N_CODES
};

const char *const kNames[] = {
	"get",	       "release",    "take",	   "scope",
	"preallocate", "free",	     "fail_alloc", "fail_factory",
	"misuse",      "drop_taken", "check",
};

const pool_guard_t kEmpty = { nullptr, nullptr };

bool is_empty(const pool_guard_t &g)
{
	return g.pool == nullptr && g.obj == nullptr;
}

class Model {
      public:
	void step(const model::Op &op);
	void check_state();
	void finish();

      private:
	bool ensure_pool();
	pool_guard_t get();
	void release(const model::Op &op);
	void take(const model::Op &op);
	void scope();
	void preallocate(uint8_t how);
	void free_pool();
	void misuse(uint8_t which);

	Objects objs_;
	pool_t *pool_ = nullptr;
	std::vector<void *> idle_;	   /* the next pool_get gets the last */
	std::vector<pool_guard_t> guards_; /* out */
	std::vector<void *> taken_;	   /* the program's own */
	model::Failures failures_;
};

/* Create a pool when there is none. Return: whether there is one. */
bool Model::ensure_pool()
{
	if (pool_)
		return true;
	model::Observation obs(objs_);

	errno = model::kErrnoCanary;
	pool_ = pool_new(Objects::make, Objects::destroy, &objs_);
	if (!pool_)
		obs.check_error(errno, failures_.factory_errno);
	return pool_ != nullptr;
}

/* pool_get, checked. Return: the guard, to be given back by the caller. */
pool_guard_t Model::get()
{
	model::Observation obs(objs_);

	errno = model::kErrnoCanary;
	pool_guard_t g = pool_get(pool_);

	MODEL_CHECK(!obs.mem_failed()); /* a get never allocates */
	MODEL_CHECK_EQ(0u, obs.made().size());
	if (idle_.empty()) {
		MODEL_CHECK(is_empty(g));
		MODEL_CHECK_EQ(EAGAIN, errno);
		return g;
	}
	MODEL_CHECK_EQ(idle_.back(), g.obj);
	MODEL_CHECK_EQ(static_cast<void *>(pool_), static_cast<void *>(g.pool));
	MODEL_CHECK_EQ(model::kErrnoCanary, errno);
	idle_.pop_back();
	return g;
}

/* Release a guard @op picks (an empty one when none is out): its object
 * is idle again, the guard empty; never allocates. */
void Model::release(const model::Op &op)
{
	pool_guard_t g = kEmpty;
	size_t i = guards_.empty() ? 0 : op.a % guards_.size();

	if (!guards_.empty()) {
		g = guards_[i];
		guards_.erase(guards_.begin() + i);
	}
	void *obj = g.obj;
	model::Observation obs(objs_);

	pool_guard_release(&g);
	MODEL_CHECK(is_empty(g));
	if (op.b & 1)
		pool_guard_release(&g); /* a second release does nothing */
	MODEL_CHECK(!obs.mem_failed()); /* a release never allocates */
	if (obj)
		idle_.push_back(obj);
}

/* Take the object of a guard @op picks (an empty one when none is out):
 * the program's now, the guard empty. */
void Model::take(const model::Op &op)
{
	pool_guard_t g = kEmpty;

	if (!guards_.empty()) {
		size_t i = op.a % guards_.size();
		g = guards_[i];
		guards_.erase(guards_.begin() + i);
	}
	void *obj = g.obj;

	MODEL_CHECK_EQ(obj, pool_guard_take(&g));
	MODEL_CHECK(is_empty(g));
	if (obj)
		taken_.push_back(obj);
}

/* POOL_GUARD: the object goes back at the end of the block. */
void Model::scope()
{
	void *expected = idle_.empty() ? nullptr : idle_.back();
	{
		POOL_GUARD(g, pool_);
		MODEL_CHECK_EQ(expected, g.obj);
	}
	MODEL_CHECK_EQ(expected, idle_.empty() ? nullptr : idle_.back());
}

/* @how: 0..7 objects mostly, or SIZE_MAX. */
void Model::preallocate(uint8_t how)
{
	size_t count = how < 0xf0 ? how % 8 : SIZE_MAX;
	model::Observation obs(objs_);
	int ret = pool_preallocate(pool_, count);
	std::vector<void *> made = model::check_preallocate(
		obs, count, ret, count == SIZE_MAX ? -EOVERFLOW : 0,
		failures_.factory_errno);

	idle_.insert(idle_.end(), made.begin(), made.end());
}

/* pool_free destroys the idle objects; no guard may be out. */
void Model::free_pool()
{
	pool_free(pool_);
	pool_ = nullptr;
	for (void *obj : idle_)
		MODEL_CHECK(!objs_.is_alive(obj));
	idle_.clear();
}

/* One misuse @which picks: NULL pools and guards, no factory. Each must
 * be refused with EINVAL (or be harmless) and change nothing. */
void Model::misuse(uint8_t which)
{
	pool_guard_t g = kEmpty;

	switch (which % 4) {
	case 0:
		errno = 0;
		g = pool_get(nullptr);
		MODEL_CHECK(is_empty(g));
		MODEL_CHECK_EQ(EINVAL, errno);
		break;
	case 1:
		MODEL_CHECK_EQ(-EINVAL, pool_preallocate(nullptr, 1));
		MODEL_CHECK_EQ(0u, pool_len(nullptr));
		MODEL_CHECK(pool_is_empty(nullptr));
		pool_free(nullptr);
		break;
	case 2:
		pool_guard_release(nullptr);
		MODEL_CHECK_EQ(static_cast<void *>(nullptr),
			       pool_guard_take(nullptr));
		break;
	case 3:
		errno = 0;
		MODEL_CHECK_EQ(static_cast<pool_t *>(nullptr),
			       pool_new(nullptr, nullptr, nullptr));
		MODEL_CHECK_EQ(EINVAL, errno);
		break;
	}
}

/* After every step: the pool's counts, and every live object is idle,
 * out or the program's. */
void Model::check_state()
{
	if (pool_) {
		MODEL_CHECK_EQ(idle_.size(), pool_len(pool_));
		MODEL_CHECK_EQ(idle_.empty(), pool_is_empty(pool_));
	}
	MODEL_CHECK_EQ(idle_.size() + guards_.size() + taken_.size(),
		       objs_.alive());
	for (const pool_guard_t &g : guards_)
		MODEL_CHECK(objs_.is_alive(g.obj));
	model::check_alive(objs_, taken_);
}

/* Run @op on the pool and the model, then check they agree. */
void Model::step(const model::Op &op)
{
	switch (op.code) {
	case GET:
		if (ensure_pool()) {
			pool_guard_t g = get();
			if (g.obj)
				guards_.push_back(g);
		}
		break;
	case RELEASE:
		release(op);
		break;
	case TAKE:
		take(op);
		break;
	case SCOPE:
		if (ensure_pool())
			scope();
		break;
	case PREALLOCATE:
		if (ensure_pool())
			preallocate(op.a);
		break;
	case FREE:
		if (pool_ && guards_.empty())
			free_pool();
		break;
	case FAIL_ALLOC:
		failures_.arm_alloc(op);
		break;
	case FAIL_FACTORY:
		failures_.arm_factory(objs_, op);
		break;
	case MISUSE:
		misuse(op.a);
		break;
	case DROP_TAKEN:
		model::drop_one(objs_, taken_, op.a);
		break;
	case CHECK:
		ensure_pool();
		break;
	}
	check_state();
}

/* Release the guards, free the pool, destroy what the program took: every
 * object made must be destroyed in the end. */
void Model::finish()
{
	failures_.disarm(objs_);
	for (pool_guard_t &g : guards_)
		pool_guard_release(&g);
	guards_.clear();
	if (pool_)
		pool_free(pool_);
	model::destroy_all(objs_, taken_);
}

} // namespace

extern "C" void model_run(const uint8_t *data, size_t size)
{
	static_assert(sizeof(kNames) / sizeof(kNames[0]) == N_CODES,
		      "a name per op");
	Model m;

	model::run_program(
		data, size, N_CODES, kNames, FAIL_ALLOC,
		[&](const model::Op &op) { m.step(op); }, [&] { m.finish(); });
}
