// SPDX-License-Identifier: GPL-2.0-or-later
/* TP4159 controller state decoding, queue checks, and hostile input. */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "state-build.h"
#include "lm-ctrl-state.h"
#include "lm-le.h"

static char err[256];

static const struct sb_state two_pairs = {
	.ver = 0, .csattr = 1, .nsq = 2, .ncq = 2,
	.sq = {
		{ .prp1 = 0x10000, .qsize = 63, .qid = 1, .cqid = 1,
		  .attr = 0x0001, .head = 5, .tail = 9 },
		{ .prp1 = 0x20000, .qsize = 127, .qid = 2, .cqid = 2,
		  .attr = 0x0007, .head = 0, .tail = 127 },
	},
	.cq = {
		{ .prp1 = 0x30000, .qsize = 63, .qid = 1, .head = 4, .tail = 5,
		  .attr = 0x00010007 },
		{ .prp1 = 0x40000, .qsize = 127, .qid = 2, .head = 0, .tail = 0,
		  .attr = 0x00020002 },
	},
	.vendor_len = 40, .vendor_fill = 0x5a,
};

static void test_sizes(void)
{
	struct sb_state s = { .nsq = 1, .ncq = 1,
		.sq = { { .qid = 1, .cqid = 1, .qsize = 1 } },
		.cq = { { .qid = 1, .qsize = 1 } } };
	uint64_t total;
	size_t len;
	uint8_t *b = sb_build(&s, &len);

	/* 48 + 8 + 24 * 2: the 104 bytes Documentation/tp4159-notes.md gives for one pair. */
	CHECK_EQ(len, 104);
	CHECK_EQ(lm_ctrl_state_total(b, len, &total, err, sizeof(err)), 0);
	CHECK_EQ(total, 104);
	CHECK_EQ(lm_ctrl_state_total(b, 47, &total, err, sizeof(err)), -EINVAL);
	free(b);
}

static void test_decode(void)
{
	struct lm_ctrl_state st;
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	size_t len;
	uint8_t *b = sb_build(&two_pairs, &len);

	CHECK_EQ(len, 48 + 8 + 24 * 4 + 40);
	CHECK_EQ(lm_ctrl_state_parse(b, len, &st, err, sizeof(err)), 0);
	CHECK_EQ(st.csattr & LM_CSATTR_SUSPENDED, 1);
	CHECK_EQ(st.nvme_len, 8 + 24 * 4);
	CHECK_EQ(st.vendor_len, 40);
	CHECK(st.nvme_decoded);
	CHECK_EQ(st.niosq, 2);
	CHECK_EQ(st.niocq, 2);
	CHECK_EQ(st.vendor[0], 0x5a);

	lm_ctrl_state_sq(&st, 1, &sq);
	CHECK_EQ(sq.prp1, 0x20000);
	CHECK_EQ(sq.qsize, 127);
	CHECK_EQ(sq.qid, 2);
	CHECK_EQ(sq.cqid, 2);
	CHECK_EQ(sq.head, 0);
	CHECK_EQ(sq.tail, 127);
	CHECK_EQ(sq.attr & LM_IOSQA_PC, 1);
	CHECK_STR(lm_sq_prio_name(sq.attr), "low");

	/* Completion queues come after all submission queues. */
	lm_ctrl_state_cq(&st, 0, &cq);
	CHECK_EQ(cq.prp1, 0x30000);
	CHECK_EQ(cq.qid, 1);
	CHECK_EQ(cq.head, 4);
	CHECK_EQ(cq.tail, 5);
	CHECK(cq.attr & LM_IOCQA_IEN);
	CHECK(cq.attr & LM_IOCQA_S0PT);
	CHECK_EQ(LM_IOCQA_IV(cq.attr), 1);
	lm_ctrl_state_cq(&st, 1, &cq);
	CHECK_EQ(cq.prp1, 0x40000);
	CHECK_EQ(LM_IOCQA_IV(cq.attr), 2);
	CHECK(!(cq.attr & LM_IOCQA_PC));

	CHECK_EQ(lm_ctrl_state_check_queues(&st, err, sizeof(err)), 0);
	free(b);
}

static void test_size_mismatch(void)
{
	struct lm_ctrl_state st;
	size_t len;
	uint8_t *b = sb_build(&two_pairs, &len);

	CHECK_EQ(lm_ctrl_state_parse(b, len - 4, &st, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "describes");
	/* More queues than the NVMe part has room for. */
	lm_put_le16(b + 48 + 2, 3);
	CHECK_EQ(lm_ctrl_state_parse(b, len, &st, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "3 SQs");
	/* An upper half of a 128-bit size. */
	lm_put_le16(b + 48 + 2, 2);
	b[16 + 9] = 1;
	CHECK_EQ(lm_ctrl_state_parse(b, len, &st, err, sizeof(err)), -EINVAL);
	free(b);
}

static void test_unknown_nvme_version(void)
{
	struct sb_state s = two_pairs;
	struct lm_ctrl_state st;
	size_t len;
	uint8_t *b;

	s.nvme_ver = 1;
	b = sb_build(&s, &len);
	CHECK_EQ(lm_ctrl_state_parse(b, len, &st, err, sizeof(err)), 0);
	CHECK(!st.nvme_decoded);
	CHECK_EQ(st.nvme_ver, 1);
	free(b);
}

static int problems(const struct sb_state *s)
{
	struct lm_ctrl_state st;
	size_t len;
	uint8_t *b = sb_build(s, &len);
	int n;

	err[0] = '\0';
	CHECK_EQ(lm_ctrl_state_parse(b, len, &st, err, sizeof(err)), 0);
	n = lm_ctrl_state_check_queues(&st, err, sizeof(err));
	free(b);
	return n;
}

static void test_queue_checks(void)
{
	struct sb_state s;

	s = two_pairs;
	s.sq[1].cqid = 7;
	CHECK_EQ(problems(&s), 1);
	CHECK_CONTAINS(err, "SQ 2 is bound to CQ 7");

	s = two_pairs;
	s.sq[1].qid = 1;
	CHECK_EQ(problems(&s), 1);
	CHECK_CONTAINS(err, "SQ 1 appears twice");

	s = two_pairs;
	s.cq[1].qid = 1;
	CHECK(problems(&s) >= 1);
	CHECK_CONTAINS(err, "CQ 1 appears twice");

	s = two_pairs;
	s.sq[0].tail = 64;
	CHECK_EQ(problems(&s), 1);
	CHECK_CONTAINS(err, "beyond its 64 entries");

	s = two_pairs;
	s.cq[0].qid = 0;
	s.sq[0].cqid = 0;
	CHECK(problems(&s) >= 2);
	CHECK_CONTAINS(err, "QID 0");
}

/* Random and mutated input: decoding may refuse, never crash or overread. */
static void test_hostile_input(void)
{
	struct lm_ctrl_state st;
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	unsigned int seed = 7, i, round;
	size_t len, n;
	uint8_t *good = sb_build(&two_pairs, &len), *b;
	int decoded = 0;

	for (round = 0; round < 20000; round++) {
		n = round % 3 ? len : (size_t)(rand_r(&seed) % (len + 64));
		b = malloc(n ? n : 1);
		memcpy(b, good, n < len ? n : len);
		for (i = 0; i < 1 + (unsigned int)rand_r(&seed) % 4 && n; i++)
			b[rand_r(&seed) % n] = rand_r(&seed);
		if (!lm_ctrl_state_parse(b, n, &st, err, sizeof(err))) {
			decoded++;
			for (i = 0; st.nvme_decoded && i < st.niosq; i++)
				lm_ctrl_state_sq(&st, i, &sq);
			for (i = 0; st.nvme_decoded && i < st.niocq; i++)
				lm_ctrl_state_cq(&st, i, &cq);
			lm_ctrl_state_check_queues(&st, err, sizeof(err));
		}
		free(b);
	}
	/* Mutations of queue fields still decode; the loop exercised both. */
	CHECK(decoded > 0);
	CHECK(decoded < 20000);
	free(good);
}

int main(void)
{
	RUN(test_sizes);
	RUN(test_decode);
	RUN(test_size_mismatch);
	RUN(test_unknown_nvme_version);
	RUN(test_queue_checks);
	RUN(test_hostile_input);
	return unit_summary("test-ctrl-state");
}
