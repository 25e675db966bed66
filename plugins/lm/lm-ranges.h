/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A set of changed LBA ranges per namespace, coalesced on demand into sorted,
 * non-overlapping, non-adjacent ranges: what a copier needs to move.
 */
#ifndef LM_RANGES_H
#define LM_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lm_range {
	uint32_t nsid;
	uint64_t slba;
	uint64_t nlb;		/* number of blocks, not 0's-based */
};

struct lm_chg {
	struct lm_range *r;
	size_t n;
	size_t cap;
	uint32_t *all;		/* namespaces in which every LBA changed */
	size_t nall;
	size_t capall;
};

int lm_chg_add(struct lm_chg *c, uint32_t nsid, uint64_t slba,
		   uint64_t nlb);
int lm_chg_add_all(struct lm_chg *c, uint32_t nsid);
bool lm_chg_is_all(const struct lm_chg *c, uint32_t nsid);

/* Add every change of src to c; src is left as it was. 0 or -ENOMEM. */
int lm_chg_merge(struct lm_chg *c, const struct lm_chg *src);

/* Sort by namespace and LBA, merge overlaps and neighbours. */
void lm_chg_coalesce(struct lm_chg *c);

uint64_t lm_chg_blocks(const struct lm_chg *c);
void lm_chg_clear(struct lm_chg *c);
void lm_chg_free(struct lm_chg *c);

#endif /* LM_RANGES_H */
