// SPDX-License-Identifier: GPL-2.0-or-later
/* Changed-range sets: coalescing, including the empty set. */
#include "unit.h"
#include "lm-ranges.h"

/* A full copy coalesces a set that never had a range: no qsort(NULL, 0). */
static void test_coalesce_empty(void)
{
	struct lm_changes c = { 0 };

	lm_changes_coalesce(&c);
	CHECK_EQ(c.n, 0);
	CHECK_EQ(lm_changes_blocks(&c), 0);
	lm_changes_add_all(&c, 1);
	lm_changes_coalesce(&c);
	CHECK_EQ(c.n, 0);
	CHECK(lm_changes_is_all(&c, 1));
	lm_changes_free(&c);
}

static void test_coalesce_merge(void)
{
	struct lm_changes c = { 0 };

	lm_changes_add(&c, 2, 10, 5);
	lm_changes_add(&c, 1, 100, 8);
	lm_changes_add(&c, 1, 108, 2);
	lm_changes_add(&c, 1, 50, 60);
	lm_changes_add(&c, 2, 20, 1);
	lm_changes_add(&c, 3, 7, 1);
	lm_changes_add_all(&c, 3);
	lm_changes_coalesce(&c);
	CHECK_EQ(c.n, 3);
	CHECK_EQ(c.r[0].nsid, 1);
	CHECK_EQ(c.r[0].slba, 50);
	CHECK_EQ(c.r[0].nlb, 60);
	CHECK_EQ(c.r[1].slba, 10);
	CHECK_EQ(c.r[2].slba, 20);
	CHECK_EQ(lm_changes_blocks(&c), 66);
	lm_changes_free(&c);
}

int main(void)
{
	RUN(test_coalesce_empty);
	RUN(test_coalesce_merge);
	return unit_summary("test-ranges");
}
