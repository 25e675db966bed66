// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A user data migration queue (CDQ) holding anything at all: the first
 * byte picks the number of entries and how many times the consumer drains
 * it, the rest is the queue memory (zero-padded to whole entries), as a
 * misbehaving or hostile controller could leave it.
 */
#include <string.h>

#include "fuzz.h"
#include "lm-cdq.h"
#include "lm-ranges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lm_chg c = { 0 };
	struct lm_cdq q;
	uint32_t entries;
	unsigned int passes, i;
	uint64_t total = 0;
	uint8_t *mem;
	int n;

	if (!size)
		return 0;
	passes = 1 + (data[0] >> 6);
	entries = (size - 1 + LM_CDQ_ENTRY_LEN - 1) / LM_CDQ_ENTRY_LEN;
	if (data[0] & 0x3f && (data[0] & 0x3f) < entries)
		entries = data[0] & 0x3f;
	if (!entries)
		entries = 1;
	mem = calloc(entries, LM_CDQ_ENTRY_LEN);
	FUZZ_ASSERT(mem);
	memcpy(mem, data + 1, size - 1 < (size_t)entries * LM_CDQ_ENTRY_LEN ?
	       size - 1 : (size_t)entries * LM_CDQ_ENTRY_LEN);
	lm_cdq_init(&q, mem, entries);
	for (i = 0; i < passes; i++) {
		n = lm_cdq_drain(&q, &c);
		FUZZ_ASSERT(n >= 0);
		/* Memory that does not change holds at most one pass of news. */
		FUZZ_ASSERT((uint64_t)n <= entries);
		total += n;
		FUZZ_ASSERT(q.head < entries);
		/* Between drains the "controller" flips a phase bit. */
		if (i + 1 < passes)
			mem[(size_t)q.head * LM_CDQ_ENTRY_LEN + 31] ^= 1;
	}
	FUZZ_ASSERT(q.consumed == total);
	FUZZ_ASSERT(lm_cdq_end_name(q.end) != NULL);
	(void)lm_cdq_lost(&q);
	lm_chg_coalesce(&c);
	fuzz_check_coalesced(&c);
	lm_chg_free(&c);
	free(mem);
	return 0;
}
