/* model_run (common/model.h) for milestone 1: the pool hands out bare
 * objects and takes back its own and others' (pool_return of a foreign
 * object is allowed).
 *
 * The model: the idle objects in the order the pool must hand them out
 * (last in, first out), the objects out, the program's own objects (made
 * outside the pool, or left with it by pool_free), and how many objects
 * the pool counts out (gets minus returns, never below 0): while that is
 * above 0, a return cannot fail. */
#include "m1_manual/pool.h"

#include <cerrno>
#include <cstdint>
#include <vector>

#include "common/model.h"
#include "common/model_support.h"

namespace {

using model::Objects;

enum Code {
	GET,
	RETURN,
	RETURN_FOREIGN,
	PREALLOCATE,
	FREE,
	FAIL_ALLOC,
	FAIL_FACTORY,
	MISUSE,
	DROP_OWN,
	CHECK,
	N_CODES
};

const char *const kNames[] = {
	"get",	      "return",	      "return_foreign", "preallocate", "free",
	"fail_alloc", "fail_factory", "misuse",		"drop_own",    "check",
};

class Model {
      public:
	void step(const model::Op &op);
	void check_state();
	void finish();

      private:
	bool ensure_pool();
	void get();
	void give_back(std::vector<void *> &from, size_t i);
	void preallocate(uint8_t how);
	void free_pool();
	void misuse(uint8_t which);

	Objects objs_;
	pool_t *pool_ = nullptr;
	std::vector<void *> idle_; /* the next pool_get gets the last */
	std::vector<void *> out_;  /* from pool_get */
	std::vector<void *> own_;  /* the program's, not the pool's */
	size_t counted_out_ = 0;   /* what the pool counts out */
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
	if (!pool_) {
		obs.check_error(errno, failures_.factory_errno);
		return false;
	}
	counted_out_ = 0;
	return true;
}

/* pool_get: the last object in, or NULL with EAGAIN; never allocates. */
void Model::get()
{
	model::Observation obs(objs_);

	errno = model::kErrnoCanary;
	void *obj = pool_get(pool_);

	MODEL_CHECK(!obs.mem_failed()); /* a get never allocates */
	MODEL_CHECK_EQ(0u, obs.made().size());
	if (idle_.empty()) {
		MODEL_CHECK_EQ(static_cast<void *>(nullptr), obj);
		MODEL_CHECK_EQ(EAGAIN, errno);
		return;
	}
	MODEL_CHECK_EQ(idle_.back(), obj);
	MODEL_CHECK_EQ(model::kErrnoCanary, errno);
	idle_.pop_back();
	out_.push_back(obj);
	counted_out_++;
}

/* pool_return of @from[@i]: it cannot fail while the pool counts objects
 * out; with none out it may meet -ENOMEM, and then @from keeps it. */
void Model::give_back(std::vector<void *> &from, size_t i)
{
	void *obj = from[i];
	model::Observation obs(objs_);
	int ret = pool_return(pool_, obj);

	if (ret < 0) {
		MODEL_CHECK_EQ(0u, counted_out_);
		obs.check_error(-ret, failures_.factory_errno);
		return;
	}
	MODEL_CHECK_EQ(0, ret);
	from.erase(from.begin() + i);
	idle_.push_back(obj);
	if (counted_out_ > 0)
		counted_out_--;
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

/* pool_free destroys the idle objects; those out are the program's now. */
void Model::free_pool()
{
	pool_free(pool_);
	pool_ = nullptr;
	for (void *obj : idle_)
		MODEL_CHECK(!objs_.is_alive(obj));
	idle_.clear();
	own_.insert(own_.end(), out_.begin(), out_.end());
	out_.clear();
}

/* One misuse @which picks: NULL pools, a NULL object, no factory. Each
 * must be refused with EINVAL (or be harmless) and change nothing. */
void Model::misuse(uint8_t which)
{
	int dummy = 0;

	switch (which % 5) {
	case 0:
		errno = 0;
		MODEL_CHECK_EQ(static_cast<void *>(nullptr), pool_get(nullptr));
		MODEL_CHECK_EQ(EINVAL, errno);
		break;
	case 1:
		MODEL_CHECK_EQ(-EINVAL, pool_preallocate(nullptr, 1));
		MODEL_CHECK_EQ(-EINVAL, pool_return(nullptr, &dummy));
		break;
	case 2:
		if (pool_)
			MODEL_CHECK_EQ(-EINVAL, pool_return(pool_, nullptr));
		break;
	case 3:
		MODEL_CHECK_EQ(0u, pool_len(nullptr));
		MODEL_CHECK(pool_is_empty(nullptr));
		pool_free(nullptr);
		break;
	case 4:
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
	MODEL_CHECK_EQ(idle_.size() + out_.size() + own_.size(), objs_.alive());
	model::check_alive(objs_, out_);
	model::check_alive(objs_, own_);
}

/* Run @op on the pool and the model, then check they agree. */
void Model::step(const model::Op &op)
{
	switch (op.code) {
	case GET:
		if (ensure_pool())
			get();
		break;
	case RETURN:
		if (!out_.empty() && ensure_pool())
			give_back(out_, op.a % out_.size());
		break;
	case RETURN_FOREIGN:
		if (own_.empty() || (op.b & 1))
			own_.push_back(objs_.make_foreign());
		if (ensure_pool())
			give_back(own_, op.a % own_.size());
		break;
	case PREALLOCATE:
		if (ensure_pool())
			preallocate(op.a);
		break;
	case FREE:
		if (pool_)
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
	case DROP_OWN:
		model::drop_one(objs_, own_, op.a);
		break;
	case CHECK:
		ensure_pool();
		break;
	}
	check_state();
}

/* Free the pool, destroy what the program holds: every object made must
 * be destroyed in the end. */
void Model::finish()
{
	failures_.disarm(objs_);
	if (pool_)
		free_pool();
	model::destroy_all(objs_, own_);
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
