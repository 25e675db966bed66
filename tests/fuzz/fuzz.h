/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every libFuzzer harness here shares. A harness defines
 * LLVMFuzzerTestOneInput; it must not leak, must not keep state between
 * inputs, and checks what it can (FUZZ_ASSERT) besides what the
 * sanitizers catch.
 */
#ifndef LM_FUZZ_H
#define LM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lm-ranges.h"

#define FUZZ_ASSERT(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* Read every byte of [p, p + len): ASan reports any that is not ours. */
static inline unsigned int fuzz_touch(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

/* A message must be one line of printable text. */
static inline void fuzz_check_msg(const char *msg)
{
	const unsigned char *s = (const unsigned char *)msg;

	for (; *s; s++)
		FUZZ_ASSERT(*s >= 0x20 && *s < 0x7f);
}

/* Coalesced: sorted, no empty range, none wrapping, none overlapping or touching. */
static inline void fuzz_check_coalesced(const struct lm_chg *c)
{
	const struct lm_range *r;
	size_t i;

	for (i = 0; i < c->n; i++) {
		r = &c->r[i];
		FUZZ_ASSERT(r->nlb);
		FUZZ_ASSERT(r->slba + r->nlb > r->slba);
		FUZZ_ASSERT(!lm_chg_is_all(c, r->nsid));
		if (i && r[-1].nsid == r->nsid)
			FUZZ_ASSERT(r[-1].slba + r[-1].nlb < r->slba);
		else if (i)
			FUZZ_ASSERT(r[-1].nsid < r->nsid);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* LM_FUZZ_H */
