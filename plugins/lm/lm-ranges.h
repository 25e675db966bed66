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

struct lm_changes {
	struct lm_range *r;
	size_t n;
	size_t cap;
	uint32_t *all;		/* namespaces in which every LBA changed */
	size_t nall;
	size_t capall;
};

int lm_changes_add(struct lm_changes *c, uint32_t nsid, uint64_t slba,
		   uint64_t nlb);
int lm_changes_add_all(struct lm_changes *c, uint32_t nsid);
bool lm_changes_is_all(const struct lm_changes *c, uint32_t nsid);

/* Sort by namespace and LBA, merge overlaps and neighbours. */
void lm_changes_coalesce(struct lm_changes *c);

uint64_t lm_changes_blocks(const struct lm_changes *c);
void lm_changes_clear(struct lm_changes *c);
void lm_changes_free(struct lm_changes *c);

#endif /* LM_RANGES_H */
