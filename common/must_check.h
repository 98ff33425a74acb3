/* OBJPOOL_MUST_CHECK - the caller must use what the function returns (the
 * kernel's __must_check). Put it before a declaration whose result, when
 * ignored, loses an error or leaks a resource:
 *
 *	OBJPOOL_MUST_CHECK int vec_reserve(vec_t *v, size_t capacity);
 *
 * A caller that drops the result gets a warning (an error with -Werror),
 * even through a (void) cast: handle the error, or call the variant that
 * cannot fail. */
#ifndef OBJPOOL_COMMON_MUST_CHECK_H
#define OBJPOOL_COMMON_MUST_CHECK_H

#define OBJPOOL_MUST_CHECK __attribute__((warn_unused_result))

#endif
