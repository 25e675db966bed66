// SPDX-License-Identifier: GPL-2.0-or-later
/* The user data migration queue consumer and range coalescing. */
#include <stdlib.h>

#include "unit.h"
#include "lm-cdq.h"
#include "lm-le.h"

#define ENTRIES 8

static uint8_t q[ENTRIES * LM_CDQ_ENTRY_LEN];

/* What a controller does: one entry at the tail, phase written last. */
struct dev {
	uint32_t tail;
	uint8_t phase;
};

static void post(struct dev *d, uint32_t nsid, uint64_t slba, uint32_t nlb,
		 uint8_t esa, uint8_t lbacir)
{
	uint8_t *e = q + d->tail * LM_CDQ_ENTRY_LEN;

	memset(e, 0, LM_CDQ_ENTRY_LEN);
	lm_put_le32(e, nsid);
	lm_put_le32(e + 4, nlb - 1);
	lm_put_le64(e + 8, slba);
	e[31] = d->phase | esa << 1 | lbacir << 6;
	if (++d->tail == ENTRIES) {
		d->tail = 0;
		d->phase ^= 1;
	}
}

static void setup(struct lm_cdq *c, struct dev *d, struct lm_chg *chg)
{
	memset(q, 0, sizeof(q));
	*d = (struct dev){ .phase = 1 };
	*chg = (struct lm_chg){ 0 };
	lm_cdq_init(c, q, ENTRIES);
}

static void check_range(const struct lm_chg *c, size_t i, uint32_t nsid,
			uint64_t slba, uint64_t nlb)
{
	CHECK(i < c->n);
	if (i >= c->n)
		return;
	CHECK_EQ(c->r[i].nsid, nsid);
	CHECK_EQ(c->r[i].slba, slba);
	CHECK_EQ(c->r[i].nlb, nlb);
}

static void test_entry_decode(void)
{
	struct lm_cdq_entry e;
	uint8_t raw[32] = { 0 };

	lm_put_le32(raw, 1);
	lm_put_le32(raw + 4, 7);
	lm_put_le64(raw + 8, 0x123456789ull);
	raw[31] = 1 | LM_ESA_SUSPENDED << 1 | LM_LBACIR_NONE << 6;
	lm_cdq_entry_decode(raw, &e);
	CHECK_EQ(e.nsid, 1);
	CHECK_EQ(e.nlb0, 7);
	CHECK_EQ(e.slba, 0x123456789ull);
	CHECK_EQ(e.phase, 1);
	CHECK_EQ(e.esa, LM_ESA_SUSPENDED);
	CHECK_EQ(e.lbacir, LM_LBACIR_NONE);
}

static void test_phase_stops_reader(void)
{
	struct lm_chg chg;
	struct lm_cdq c;
	struct dev d;

	setup(&c, &d, &chg);
	CHECK_EQ(lm_cdq_drain(&c, &chg), 0);
	post(&d, 1, 0, 8, LM_ESA_FIRST, LM_LBACIR_RANGE);
	post(&d, 1, 100, 1, 0, LM_LBACIR_RANGE);
	CHECK_EQ(lm_cdq_drain(&c, &chg), 2);
	CHECK(c.first_seen);
	CHECK_EQ(c.head, 2);
	CHECK_EQ(lm_cdq_drain(&c, &chg), 0);
	CHECK_EQ(c.end, LM_CDQ_RUNNING);
	lm_chg_coalesce(&chg);
	CHECK_EQ(chg.n, 2);
	check_range(&chg, 0, 1, 0, 8);
	check_range(&chg, 1, 1, 100, 1);
	lm_chg_free(&chg);
}

static void test_wrap(void)
{
	struct lm_chg chg;
	struct lm_cdq c;
	struct dev d;
	int i, total = 0;

	setup(&c, &d, &chg);
	/* Three passes over an 8-entry queue, draining as the host would. */
	for (i = 0; i < 20; i++) {
		post(&d, 1, i * 16, 4, 0, LM_LBACIR_RANGE);
		if (i % 3 == 2)
			total += lm_cdq_drain(&c, &chg);
	}
	total += lm_cdq_drain(&c, &chg);
	CHECK_EQ(total, 20);
	CHECK_EQ(c.head, 20 % ENTRIES);
	CHECK_EQ(c.phase, 1);	/* 20 entries: two wraps, phase back to 1 */
	lm_chg_coalesce(&chg);
	CHECK_EQ(chg.n, 20);
	check_range(&chg, 19, 1, 19 * 16, 4);
	lm_chg_free(&chg);
}

static void test_end_stopped_and_suspended(void)
{
	struct lm_chg chg;
	struct lm_cdq c;
	struct dev d;

	setup(&c, &d, &chg);
	post(&d, 1, 0, 1, LM_ESA_FIRST, LM_LBACIR_NONE);
	post(&d, 1, 0, 1, LM_ESA_STOPPED, LM_LBACIR_NONE);
	post(&d, 1, 5, 1, 0, LM_LBACIR_RANGE);	/* after the end: not read */
	CHECK_EQ(lm_cdq_drain(&c, &chg), 2);
	CHECK_EQ(c.end, LM_CDQ_END_STOPPED);
	CHECK(!lm_cdq_lost(&c));
	CHECK_EQ(chg.n, 0);
	lm_chg_free(&chg);

	setup(&c, &d, &chg);
	post(&d, 2, 10, 2, LM_ESA_SUSPENDED, LM_LBACIR_RANGE);
	CHECK_EQ(lm_cdq_drain(&c, &chg), 1);
	CHECK_EQ(c.end, LM_CDQ_END_SUSPENDED);
	check_range(&chg, 0, 2, 10, 2);
	lm_chg_free(&chg);
}

static void test_queue_full(void)
{
	struct lm_chg chg;
	struct lm_cdq c;
	struct dev d;
	int i;

	setup(&c, &d, &chg);
	for (i = 0; i < ENTRIES - 1; i++)
		post(&d, 1, i, 1, 0, LM_LBACIR_RANGE);
	post(&d, 1, 0, 1, LM_ESA_FULL, LM_LBACIR_NONE);
	CHECK_EQ(lm_cdq_drain(&c, &chg), ENTRIES);
	CHECK_EQ(c.end, LM_CDQ_END_FULL);
	CHECK(lm_cdq_lost(&c));
	CHECK_CONTAINS(lm_cdq_end_name(c.end), "full copy is required");
	lm_chg_free(&chg);

	/* An ESA this build does not know is treated as lost changes. */
	setup(&c, &d, &chg);
	post(&d, 1, 0, 1, 5, LM_LBACIR_NONE);
	lm_cdq_drain(&c, &chg);
	CHECK(lm_cdq_lost(&c));
	lm_chg_free(&chg);
}

static void test_all_lbas_changed(void)
{
	struct lm_chg chg;
	struct lm_cdq c;
	struct dev d;

	setup(&c, &d, &chg);
	post(&d, 1, 0, 8, 0, LM_LBACIR_RANGE);
	post(&d, 2, 0, 8, 0, LM_LBACIR_RANGE);
	post(&d, 1, 0, 1, 0, LM_LBACIR_ALL);
	post(&d, 1, 64, 8, 0, LM_LBACIR_RANGE);
	post(&d, 3, 0, 1, 0, 3);	/* reserved LBACIR: assume all */
	CHECK_EQ(lm_cdq_drain(&c, &chg), 5);
	CHECK(lm_chg_is_all(&chg, 1));
	CHECK(!lm_chg_is_all(&chg, 2));
	CHECK(lm_chg_is_all(&chg, 3));
	lm_chg_coalesce(&chg);
	/* Namespace 1's single ranges are subsumed; namespace 2 keeps its. */
	CHECK_EQ(chg.n, 1);
	check_range(&chg, 0, 2, 0, 8);
	lm_chg_free(&chg);
}

static void test_coalesce(void)
{
	struct lm_chg chg = { 0 };

	lm_chg_add(&chg, 1, 100, 10);	/* 100..109 */
	lm_chg_add(&chg, 1, 100, 10);	/* duplicate */
	lm_chg_add(&chg, 1, 105, 10);	/* overlap: 100..114 */
	lm_chg_add(&chg, 1, 115, 5);	/* adjacent: 100..119 */
	lm_chg_add(&chg, 1, 121, 1);	/* gap of one: separate */
	lm_chg_add(&chg, 1, 0, 1);
	lm_chg_add(&chg, 2, 110, 10);	/* other namespace: separate */
	lm_chg_add(&chg, 1, 102, 2);	/* contained */
	lm_chg_add(&chg, 1, 50, 0);		/* empty: ignored */
	lm_chg_coalesce(&chg);
	CHECK_EQ(chg.n, 4);
	check_range(&chg, 0, 1, 0, 1);
	check_range(&chg, 1, 1, 100, 20);
	check_range(&chg, 2, 1, 121, 1);
	check_range(&chg, 3, 2, 110, 10);
	CHECK_EQ(lm_chg_blocks(&chg), 32);

	/* Coalescing again is a no-op; clearing empties. */
	lm_chg_coalesce(&chg);
	CHECK_EQ(chg.n, 4);
	lm_chg_clear(&chg);
	CHECK_EQ(chg.n, 0);

	/* A range at the very end of the LBA space does not wrap. */
	lm_chg_add(&chg, 1, UINT64_MAX - 1, 8);
	CHECK_EQ(chg.r[0].nlb, 1);
	lm_chg_free(&chg);
}

int main(void)
{
	RUN(test_entry_decode);
	RUN(test_phase_stops_reader);
	RUN(test_wrap);
	RUN(test_end_stopped_and_suspended);
	RUN(test_queue_full);
	RUN(test_all_lbas_changed);
	RUN(test_coalesce);
	return unit_summary("test-cdq");
}
