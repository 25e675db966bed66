// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "lm-cdq.h"
#include "lm-le.h"

#define ATTR_OFF	31
#define ATTR_PHASE	0x01
#define ATTR_ESA(a)	(((a) >> 1) & 0x7)
#define ATTR_LBACIR(a)	(((a) >> 6) & 0x3)

void lm_cdq_entry_decode(const uint8_t *raw, struct lm_cdq_entry *e)
{
	uint8_t attr = raw[ATTR_OFF];

	e->nsid = lm_get_le32(raw);
	e->nlb0 = lm_get_le32(raw + 4);
	e->slba = lm_get_le64(raw + 8);
	e->phase = attr & ATTR_PHASE;
	e->esa = ATTR_ESA(attr);
	e->lbacir = ATTR_LBACIR(attr);
}

void lm_cdq_init(struct lm_cdq *q, const void *mem, uint32_t entries)
{
	*q = (struct lm_cdq){
		.mem = mem,
		.entries = entries,
		/* The queue starts zeroed: the first pass writes phase 1. */
		.phase = 1,
	};
}

static enum lm_cdq_end esa_end(uint8_t esa)
{
	switch (esa) {
	case LM_ESA_STOPPED:	return LM_CDQ_END_STOPPED;
	case LM_ESA_SUSPENDED:	return LM_CDQ_END_SUSPENDED;
	case LM_ESA_FULL:	return LM_CDQ_END_FULL;
	default:		return LM_CDQ_END_UNKNOWN;
	}
}

static int apply(const struct lm_cdq_entry *e, struct lm_chg *chg)
{
	switch (e->lbacir) {
	case LM_LBACIR_RANGE:
		return lm_chg_add(chg, e->nsid, e->slba,
				      (uint64_t)e->nlb0 + 1);
	case LM_LBACIR_NONE:
		return 0;
	default:
		/* "All changed", or a value we do not know: assume the worst. */
		return lm_chg_add_all(chg, e->nsid);
	}
}

int lm_cdq_drain(struct lm_cdq *q, struct lm_chg *chg)
{
	const uint8_t *raw;
	struct lm_cdq_entry e;
	uint8_t attr;
	int n = 0;

	while (q->end == LM_CDQ_RUNNING) {
		raw = q->mem + (uint64_t)q->head * LM_CDQ_ENTRY_LEN;
		/*
		 * The controller writes the attribute byte last; read it
		 * first, and the rest only once its phase says it is new.
		 */
		attr = __atomic_load_n(&raw[ATTR_OFF], __ATOMIC_ACQUIRE);
		if ((attr & ATTR_PHASE) != q->phase)
			break;
		lm_cdq_entry_decode(raw, &e);
		if (apply(&e, chg))
			return -ENOMEM;
		if (e.esa == LM_ESA_FIRST)
			q->first_seen = true;
		else if (e.esa != LM_ESA_NONE)
			q->end = esa_end(e.esa);
		if (++q->head == q->entries) {
			q->head = 0;
			q->phase ^= 1;
		}
		q->consumed++;
		n++;
	}
	return n;
}

const char *lm_cdq_end_name(enum lm_cdq_end end)
{
	switch (end) {
	case LM_CDQ_RUNNING:		return "running";
	case LM_CDQ_END_STOPPED:	return "logging stopped";
	case LM_CDQ_END_SUSPENDED:	return "controller suspended";
	case LM_CDQ_END_FULL:		return "queue full: changes lost, a full copy is required";
	case LM_CDQ_END_UNKNOWN:	return "unknown final entry: changes may be lost, a full copy is required";
	}
	return "unknown";
}
