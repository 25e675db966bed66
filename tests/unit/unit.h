/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal unit test harness: CHECK macros count assertions, RUN reports
 * each test function, and unit_summary() prints the counts and returns the
 * process exit code.
 */
#ifndef UNIT_H
#define UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int unit_checks_failed;
static int unit_tests_passed, unit_tests_failed;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			unit_checks_failed++;				\
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, #cond);		\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long _a = (a), _b = (b);			\
		if (_a != _b) {						\
			unit_checks_failed++;				\
			fprintf(stderr,					\
				"%s:%d: %s == %s failed: 0x%llx != 0x%llx\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);	\
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (!_a || !_b || strcmp(_a, _b)) {			\
			unit_checks_failed++;				\
			fprintf(stderr,					\
				"%s:%d: %s == \"%s\" failed: got \"%s\"\n", \
				__FILE__, __LINE__, #a, _b ? _b : "(null)", \
				_a ? _a : "(null)");			\
		}							\
	} while (0)

#define CHECK_CONTAINS(hay, needle)					\
	do {								\
		const char *_h = (hay), *_n = (needle);			\
		if (!_h || !strstr(_h, _n)) {				\
			unit_checks_failed++;				\
			fprintf(stderr,					\
				"%s:%d: \"%s\" does not contain \"%s\"\n", \
				__FILE__, __LINE__, _h ? _h : "(null)", _n); \
		}							\
	} while (0)

#define RUN(fn)								\
	do {								\
		int _before = unit_checks_failed;			\
		fn();							\
		if (unit_checks_failed == _before) {			\
			unit_tests_passed++;				\
			printf("ok   %s\n", #fn);			\
		} else {						\
			unit_tests_failed++;				\
			printf("FAIL %s\n", #fn);			\
		}							\
	} while (0)

static inline int unit_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_tests_passed,
	       unit_tests_failed);
	return unit_tests_failed ? 1 : 0;
}

#endif /* UNIT_H */
