/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Consumer of a user data migration queue (Controller Data Queue, QT 0):
 * the controller writes 32-byte type-0 entries into host memory, flipping
 * the phase tag on each pass; the host reads new entries, turns them into
 * changed ranges, and hands the head back through Feature 21h.
 */
#ifndef LM_CDQ_H
#define LM_CDQ_H

#include <stdbool.h>
#include <stdint.h>

#include "lm-ranges.h"

#define LM_CDQ_ENTRY_LEN	32

enum lm_cdq_esa {
	LM_ESA_NONE		= 0,
	LM_ESA_FIRST		= 1,
	LM_ESA_STOPPED		= 2,
	LM_ESA_SUSPENDED	= 3,
	LM_ESA_FULL		= 7,
};

enum lm_lbacir {
	LM_LBACIR_RANGE		= 0,
	LM_LBACIR_ALL		= 1,
	LM_LBACIR_NONE		= 2,
};

struct lm_cdq_entry {
	uint32_t nsid;
	uint32_t nlb0;		/* 0's-based, as on the wire */
	uint64_t slba;
	uint8_t phase;
	uint8_t esa;
	uint8_t lbacir;
};

/* Why logging ended, once the final entry has been seen. */
enum lm_cdq_end {
	LM_CDQ_RUNNING = 0,
	LM_CDQ_END_STOPPED,	/* Track Send stop */
	LM_CDQ_END_SUSPENDED,	/* the controller was suspended */
	LM_CDQ_END_FULL,	/* queue full: changes lost */
	LM_CDQ_END_UNKNOWN,	/* an ESA this build does not know */
};

struct lm_cdq {
	const uint8_t *mem;
	uint32_t entries;
	uint32_t head;		/* next entry to read */
	uint8_t phase;		/* phase tag of a new entry on this pass */
	bool first_seen;
	enum lm_cdq_end end;
	uint64_t consumed;
};

void lm_cdq_entry_decode(const uint8_t *raw, struct lm_cdq_entry *e);
void lm_cdq_init(struct lm_cdq *q, const void *mem, uint32_t entries);

/*
 * Consume every new entry, adding its change to chg. Stops after a final
 * entry. Returns the number of entries consumed or -ENOMEM.
 */
int lm_cdq_drain(struct lm_cdq *q, struct lm_chg *chg);

/* Whether the changes seen so far are incomplete: a full copy is needed. */
static inline bool lm_cdq_lost(const struct lm_cdq *q)
{
	return q->end == LM_CDQ_END_FULL || q->end == LM_CDQ_END_UNKNOWN;
}

const char *lm_cdq_end_name(enum lm_cdq_end end);

#endif /* LM_CDQ_H */
