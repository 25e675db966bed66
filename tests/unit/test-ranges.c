// SPDX-License-Identifier: GPL-2.0-or-later
/* Changed-range sets: coalescing, including the empty set. */
#include "unit.h"
#include "lm-cdq.h"
#include "lm-ranges.h"

/* A full copy coalesces a set that never had a range: no qsort(NULL, 0). */
static void test_coalesce_empty(void)
{
	struct lm_chg c = { 0 };

	lm_chg_coalesce(&c);
	CHECK_EQ(c.n, 0);
	CHECK_EQ(lm_chg_blocks(&c), 0);
	lm_chg_add_all(&c, 1);
	lm_chg_coalesce(&c);
	CHECK_EQ(c.n, 0);
	CHECK(lm_chg_is_all(&c, 1));
	lm_chg_free(&c);
}

static void test_coalesce_merge(void)
{
	struct lm_chg c = { 0 };

	lm_chg_add(&c, 2, 10, 5);
	lm_chg_add(&c, 1, 100, 8);
	lm_chg_add(&c, 1, 108, 2);
	lm_chg_add(&c, 1, 50, 60);
	lm_chg_add(&c, 2, 20, 1);
	lm_chg_add(&c, 3, 7, 1);
	lm_chg_add_all(&c, 3);
	lm_chg_coalesce(&c);
	CHECK_EQ(c.n, 3);
	CHECK_EQ(c.r[0].nsid, 1);
	CHECK_EQ(c.r[0].slba, 50);
	CHECK_EQ(c.r[0].nlb, 60);
	CHECK_EQ(c.r[1].slba, 10);
	CHECK_EQ(c.r[2].slba, 20);
	CHECK_EQ(lm_chg_blocks(&c), 66);
	lm_chg_free(&c);
}

/* A range running past LBA 2^64 - 1 ends there; one starting there is none. */
static void test_add_at_end(void)
{
	struct lm_chg c = { 0 };

	lm_chg_add(&c, 1, UINT64_MAX, 1);
	lm_chg_add(&c, 1, UINT64_MAX, 0xffffffffull + 1);
	CHECK_EQ(c.n, 0);
	lm_chg_add(&c, 1, UINT64_MAX - 1, 5);
	CHECK_EQ(c.n, 1);
	CHECK_EQ(c.r[0].nlb, 1);
	lm_chg_coalesce(&c);
	CHECK_EQ(c.n, 1);
	CHECK_EQ(c.r[0].slba + c.r[0].nlb, UINT64_MAX);
	lm_chg_free(&c);
}

/*
 * fuzz-cdq's finding: a change-queue entry at SLBA 2^64 - 1 (NLB 0's-based
 * 0xffffffff) became a zero-length range in the set.
 */
static void test_cdq_entry_at_end(void)
{
	static uint8_t q[2 * LM_CDQ_ENTRY_LEN];
	struct lm_chg c = { 0 };
	struct lm_cdq cdq;
	size_t i;

	q[0] = 1;				/* NSID 1 */
	memset(q + 4, 0xff, 4 + 8);		/* NLB 0xffffffff, SLBA 2^64 - 1 */
	q[31] = 0x01;				/* phase 1, a range */
	lm_cdq_init(&cdq, q, 2);
	CHECK_EQ(lm_cdq_drain(&cdq, &c), 1);
	lm_chg_coalesce(&c);
	for (i = 0; i < c.n; i++)
		CHECK(c.r[i].nlb != 0);
	CHECK_EQ(c.n, 0);
	lm_chg_free(&c);
}

int main(void)
{
	RUN(test_coalesce_empty);
	RUN(test_coalesce_merge);
	RUN(test_add_at_end);
	RUN(test_cdq_entry_at_end);
	return unit_summary("test-ranges");
}
