// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>

#include "lm-ranges.h"

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

int lm_chg_add(struct lm_chg *c, uint32_t nsid, uint64_t slba,
		   uint64_t nlb)
{
	if (!nlb)
		return 0;
	/*
	 * A range that would run past the last LBA ends there; one that
	 * starts at 2^64 - 1 names no LBA a namespace can have.
	 */
	if (slba + nlb < slba)
		nlb = UINT64_MAX - slba;
	if (!nlb)
		return 0;
	if (grow((void **)&c->r, &c->cap, c->n + 1, sizeof(*c->r)))
		return -ENOMEM;
	c->r[c->n++] = (struct lm_range){ .nsid = nsid, .slba = slba, .nlb = nlb };
	return 0;
}

int lm_chg_merge(struct lm_chg *c, const struct lm_chg *src)
{
	size_t i;

	for (i = 0; i < src->nall; i++)
		if (lm_chg_add_all(c, src->all[i]))
			return -ENOMEM;
	for (i = 0; i < src->n; i++)
		if (lm_chg_add(c, src->r[i].nsid, src->r[i].slba, src->r[i].nlb))
			return -ENOMEM;
	return 0;
}

bool lm_chg_is_all(const struct lm_chg *c, uint32_t nsid)
{
	size_t i;

	for (i = 0; i < c->nall; i++)
		if (c->all[i] == nsid)
			return true;
	return false;
}

int lm_chg_add_all(struct lm_chg *c, uint32_t nsid)
{
	if (lm_chg_is_all(c, nsid))
		return 0;
	if (grow((void **)&c->all, &c->capall, c->nall + 1, sizeof(*c->all)))
		return -ENOMEM;
	c->all[c->nall++] = nsid;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct lm_range *x = a, *y = b;

	if (x->nsid != y->nsid)
		return x->nsid < y->nsid ? -1 : 1;
	if (x->slba != y->slba)
		return x->slba < y->slba ? -1 : 1;
	return 0;
}

void lm_chg_coalesce(struct lm_chg *c)
{
	struct lm_range *out;
	size_t i, n = 0;
	uint64_t end;

	/* An empty set has no array: qsort(NULL, 0, ...) is undefined. */
	if (c->n > 1)
		qsort(c->r, c->n, sizeof(*c->r), range_cmp);
	for (i = 0; i < c->n; i++) {
		/* A whole-namespace change makes its single ranges moot. */
		if (lm_chg_is_all(c, c->r[i].nsid))
			continue;
		out = n ? &c->r[n - 1] : NULL;
		if (out && out->nsid == c->r[i].nsid &&
		    c->r[i].slba <= out->slba + out->nlb) {
			end = c->r[i].slba + c->r[i].nlb;
			if (end > out->slba + out->nlb)
				out->nlb = end - out->slba;
			continue;
		}
		c->r[n++] = c->r[i];
	}
	c->n = n;
}

uint64_t lm_chg_blocks(const struct lm_chg *c)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < c->n; i++)
		sum += c->r[i].nlb;
	return sum;
}

void lm_chg_clear(struct lm_chg *c)
{
	c->n = 0;
	c->nall = 0;
}

void lm_chg_free(struct lm_chg *c)
{
	free(c->r);
	free(c->all);
	*c = (struct lm_chg){ 0 };
}
