/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The controller state data that Get Controller State returns and Set
 * Controller State takes (TP4159): a 48-byte header, the NVMe-defined part
 * (version 0: every I/O submission queue, then every I/O completion queue),
 * then the vendor-specific part. Parsing is bounds-checked throughout: the
 * input may be anything.
 */
#ifndef LM_CTRL_STATE_H
#define LM_CTRL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LM_CS_HDR_LEN		48
#define LM_CS_NVME_HDR_LEN	8
#define LM_CS_QUEUE_LEN		24

#define LM_CSATTR_SUSPENDED	0x01
/* Get Controller State's completion dword 0: the controller is suspended. */
#define LM_CSUP			0x01
/* The NVMe controller state version this plugin decodes (CNS 20h lists it). */
#define LM_CS_NVME_VERSION	0

#define LM_IOSQA_PC		0x0001
#define LM_IOSQA_QPRIO(a)	(((a) >> 1) & 0x3)
#define LM_IOCQA_PC		0x00000001
#define LM_IOCQA_IEN		0x00000002
#define LM_IOCQA_S0PT		0x00000004
#define LM_IOCQA_IV(a)		((a) >> 16)

struct lm_sq_state {
	uint64_t prp1;
	uint16_t qsize;
	uint16_t qid;
	uint16_t cqid;
	uint16_t attr;
	uint16_t head;
	uint16_t tail;
};

struct lm_cq_state {
	uint64_t prp1;
	uint16_t qsize;
	uint16_t qid;
	uint16_t head;
	uint16_t tail;
	uint32_t attr;
};

struct lm_ctrl_state {
	uint16_t ver;
	uint8_t csattr;
	uint64_t nvme_len;	/* bytes of the NVMe-defined part */
	uint64_t vendor_len;	/* bytes of the vendor-specific part */

	bool nvme_decoded;	/* false when its version is unknown */
	uint16_t nvme_ver;
	uint16_t niosq;
	uint16_t niocq;

	const uint8_t *nvme;
	const uint8_t *vendor;
};

/*
 * Size of the whole state from its header, so a reader knows how much more
 * to fetch after the first chunk. Returns 0, or -EINVAL with a message when
 * the header's sizes cannot be right.
 */
int lm_ctrl_state_total(const void *hdr, size_t len, uint64_t *total,
			char *err, size_t errlen);

int lm_ctrl_state_parse(const void *buf, size_t len, struct lm_ctrl_state *st,
			char *err, size_t errlen);
/*
 * Whether Get Controller State said the controller is suspended. Devices
 * differ on where: completion dword 0 (CSUP), or only the returned
 * header's CSATTR. Either one counts; hdr may be NULL when the transfer did
 * not include the header.
 */
static inline bool lm_state_says_suspended(uint32_t dw0, const uint8_t *hdr)
{
	return (dw0 & LM_CSUP) || (hdr && (hdr[2] & LM_CSATTR_SUSPENDED));
}

/*
 * Version of the NVMe-defined part of a state (what CNS 20h lists and CSVI
 * selects), or -1 when the state has no NVMe part or does not parse.
 */
int lm_ctrl_state_nvme_version(const void *buf, size_t len);
/*
 * The same from the first have bytes of a state still arriving: -1 while
 * they do not reach it, or when the state has no NVMe part.
 */
int lm_ctrl_state_peek_version(const void *buf, size_t have);

void lm_ctrl_state_sq(const struct lm_ctrl_state *st, unsigned int i,
		      struct lm_sq_state *sq);
void lm_ctrl_state_cq(const struct lm_ctrl_state *st, unsigned int i,
		      struct lm_cq_state *cq);

/*
 * Queue identifiers and pointers that do not add up: duplicate or zero
 * QIDs, a submission queue bound to a missing completion queue, a head or
 * tail beyond the queue. Returns the number of problems; the first is
 * described in err.
 */
int lm_ctrl_state_check_queues(const struct lm_ctrl_state *st,
			       char *err, size_t errlen);

/* QSIZE is 0's-based, as in Create I/O Submission/Completion Queue. */
static inline uint32_t lm_queue_entries(uint16_t qsize)
{
	return (uint32_t)qsize + 1;
}

const char *lm_sq_prio_name(uint16_t attr);

#endif /* LM_CTRL_STATE_H */
