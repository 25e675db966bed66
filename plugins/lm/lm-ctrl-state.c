// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lm-ctrl-state.h"
#include "lm-le.h"

/* Sizes are 128-bit dword counts; anything above 2^40 dwords is nonsense. */
#define LM_CS_MAX_DWORDS	(1ull << 40)

static int size_field(const uint8_t *p, uint64_t *bytes)
{
	uint64_t lo = lm_get_le64(p);
	uint64_t hi = lm_get_le64(p + 8);

	if (hi || lo > LM_CS_MAX_DWORDS)
		return -EINVAL;
	*bytes = lo * 4;
	return 0;
}

int lm_ctrl_state_total(const void *hdr, size_t len, uint64_t *total,
			char *err, size_t errlen)
{
	const uint8_t *h = hdr;
	uint64_t nvme, vendor;

	if (len < LM_CS_HDR_LEN) {
		snprintf(err, errlen,
			 "controller state is %zu bytes, shorter than its %d-byte header",
			 len, LM_CS_HDR_LEN);
		return -EINVAL;
	}
	if (size_field(h + 16, &nvme) || size_field(h + 32, &vendor)) {
		snprintf(err, errlen,
			 "controller state header gives an impossible size (NVMECSS or VSS beyond 2^40 dwords)");
		return -EINVAL;
	}
	*total = LM_CS_HDR_LEN + nvme + vendor;
	return 0;
}

int lm_ctrl_state_parse(const void *buf, size_t len, struct lm_ctrl_state *st,
			char *err, size_t errlen)
{
	const uint8_t *b = buf;
	uint64_t total, queues;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = lm_ctrl_state_total(buf, len, &total, err, errlen);
	if (ret)
		return ret;
	if (total != len) {
		snprintf(err, errlen,
			 "controller state header describes %" PRIu64 " bytes but %zu are present",
			 total, len);
		return -EINVAL;
	}
	st->ver = lm_get_le16(b);
	st->csattr = b[2];
	size_field(b + 16, &st->nvme_len);
	size_field(b + 32, &st->vendor_len);
	st->nvme = b + LM_CS_HDR_LEN;
	st->vendor = st->nvme + st->nvme_len;

	if (!st->nvme_len)
		return 0;
	if (st->nvme_len < LM_CS_NVME_HDR_LEN) {
		snprintf(err, errlen,
			 "NVMe controller state is %" PRIu64 " bytes, shorter than its %d-byte header",
			 st->nvme_len, LM_CS_NVME_HDR_LEN);
		return -EINVAL;
	}
	st->nvme_ver = lm_get_le16(st->nvme);
	if (st->nvme_ver != LM_CS_NVME_VERSION)
		return 0;	/* opaque: a later format we cannot decode */

	st->niosq = lm_get_le16(st->nvme + 2);
	st->niocq = lm_get_le16(st->nvme + 4);
	queues = LM_CS_NVME_HDR_LEN +
		 (uint64_t)LM_CS_QUEUE_LEN * (st->niosq + st->niocq);
	if (queues > st->nvme_len) {
		snprintf(err, errlen,
			 "NVMe controller state lists %u SQs and %u CQs (%" PRIu64 " bytes) but is %" PRIu64 " bytes",
			 st->niosq, st->niocq, queues, st->nvme_len);
		return -EINVAL;
	}
	st->nvme_decoded = true;
	return 0;
}

int lm_ctrl_state_nvme_version(const void *buf, size_t len)
{
	struct lm_ctrl_state st;
	char why[8];

	if (lm_ctrl_state_parse(buf, len, &st, why, sizeof(why)) ||
	    !st.nvme_len)
		return -1;
	return st.nvme_ver;
}

int lm_ctrl_state_peek_version(const void *buf, size_t have)
{
	const uint8_t *b = buf;
	uint64_t nvme;

	if (have < LM_CS_HDR_LEN + 2 || size_field(b + 16, &nvme) ||
	    nvme < LM_CS_NVME_HDR_LEN)
		return -1;
	return lm_get_le16(b + LM_CS_HDR_LEN);
}

void lm_ctrl_state_sq(const struct lm_ctrl_state *st, unsigned int i,
		      struct lm_sq_state *sq)
{
	const uint8_t *e = st->nvme + LM_CS_NVME_HDR_LEN + LM_CS_QUEUE_LEN * i;

	sq->prp1 = lm_get_le64(e);
	sq->qsize = lm_get_le16(e + 8);
	sq->qid = lm_get_le16(e + 10);
	sq->cqid = lm_get_le16(e + 12);
	sq->attr = lm_get_le16(e + 14);
	sq->head = lm_get_le16(e + 16);
	sq->tail = lm_get_le16(e + 18);
}

void lm_ctrl_state_cq(const struct lm_ctrl_state *st, unsigned int i,
		      struct lm_cq_state *cq)
{
	/* Completion queues follow all submission queues. */
	const uint8_t *e = st->nvme + LM_CS_NVME_HDR_LEN +
			   LM_CS_QUEUE_LEN * (st->niosq + i);

	cq->prp1 = lm_get_le64(e);
	cq->qsize = lm_get_le16(e + 8);
	cq->qid = lm_get_le16(e + 10);
	cq->head = lm_get_le16(e + 12);
	cq->tail = lm_get_le16(e + 14);
	cq->attr = lm_get_le32(e + 16);
}

#define PROBLEM(...)						\
	do {							\
		if (!problems++)				\
			snprintf(err, errlen, __VA_ARGS__);	\
	} while (0)

/* One bit per possible queue identifier: linear in the number of queues. */
struct qid_set {
	uint8_t bits[65536 / 8];
};

static bool qid_test(const struct qid_set *s, uint16_t qid)
{
	return s->bits[qid / 8] & (1u << (qid % 8));
}

static bool qid_test_and_set(struct qid_set *s, uint16_t qid)
{
	bool was = qid_test(s, qid);

	s->bits[qid / 8] |= 1u << (qid % 8);
	return was;
}

int lm_ctrl_state_check_queues(const struct lm_ctrl_state *st,
			       char *err, size_t errlen)
{
	struct qid_set cqs = { { 0 } }, sqs = { { 0 } };
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	unsigned int i;
	int problems = 0;

	if (!st->nvme_decoded)
		return 0;
	for (i = 0; i < st->niocq; i++) {
		lm_ctrl_state_cq(st, i, &cq);
		if (!cq.qid)
			PROBLEM("CQ entry %u has QID 0, the admin queue", i);
		if (cq.head > cq.qsize || cq.tail > cq.qsize)
			PROBLEM("CQ %u head %u or tail %u beyond its %u entries",
				cq.qid, cq.head, cq.tail,
				lm_queue_entries(cq.qsize));
		if (qid_test_and_set(&cqs, cq.qid))
			PROBLEM("CQ %u appears twice", cq.qid);
	}
	for (i = 0; i < st->niosq; i++) {
		lm_ctrl_state_sq(st, i, &sq);
		if (!sq.qid)
			PROBLEM("SQ entry %u has QID 0, the admin queue", i);
		if (sq.head > sq.qsize || sq.tail > sq.qsize)
			PROBLEM("SQ %u head %u or tail %u beyond its %u entries",
				sq.qid, sq.head, sq.tail,
				lm_queue_entries(sq.qsize));
		if (qid_test_and_set(&sqs, sq.qid))
			PROBLEM("SQ %u appears twice", sq.qid);
		if (!sq.cqid || !qid_test(&cqs, sq.cqid))
			PROBLEM("SQ %u is bound to CQ %u, which is not in the state",
				sq.qid, sq.cqid);
	}
	return problems;
}

const char *lm_sq_prio_name(uint16_t attr)
{
	static const char *const names[] = { "urgent", "high", "medium", "low" };

	return names[LM_IOSQA_QPRIO(attr)];
}
