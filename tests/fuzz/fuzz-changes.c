// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Change files in every format (text, JSON Lines, binary "LMCHG001"), as
 * copy-ranges reads them: anything rejected has a printable message naming
 * where; anything accepted coalesces into a clean set, and that set written
 * in each format reads back the same.
 */
#include <string.h>

#include "fuzz.h"
#include "lm-changes-io.h"
#include "lm-ranges.h"

static void round_trip(const struct lm_chg *in, enum lm_chg_fmt fmt)
{
	struct lm_chg out = { 0 };
	char *buf = NULL, err[256] = "";
	size_t len = 0, i;
	FILE *f;

	f = open_memstream(&buf, &len);
	FUZZ_ASSERT(f);
	lm_chg_write_header(f, fmt);
	FUZZ_ASSERT(!lm_chg_write(f, fmt, in));
	fclose(f);
	if (!len) {
		/* Only an empty set writes nothing (fmemopen wants a byte). */
		FUZZ_ASSERT(!in->n && !in->nall);
		free(buf);
		return;
	}
	f = fmemopen(buf, len, "r");
	FUZZ_ASSERT(f);
	if (lm_chg_read(f, &out, err, sizeof(err))) {
		fprintf(stderr, "format %d does not read back: %s\n", fmt, err);
		FUZZ_ASSERT(0);
	}
	fclose(f);
	free(buf);
	lm_chg_coalesce(&out);
	FUZZ_ASSERT(out.n == in->n && out.nall == in->nall);
	/* Field by field: struct lm_range has padding memcmp would compare. */
	for (i = 0; i < in->n; i++)
		FUZZ_ASSERT(out.r[i].nsid == in->r[i].nsid &&
			    out.r[i].slba == in->r[i].slba &&
			    out.r[i].nlb == in->r[i].nlb);
	for (i = 0; i < in->nall; i++)
		FUZZ_ASSERT(lm_chg_is_all(&out, in->all[i]));
	lm_chg_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lm_chg c = { 0 };
	char err[256] = "";
	FILE *f;
	int ret;

	if (!size)
		return 0;	/* fmemopen wants a buffer */
	f = fmemopen((void *)data, size, "r");
	FUZZ_ASSERT(f);
	ret = lm_chg_read(f, &c, err, sizeof(err));
	fclose(f);
	if (ret) {
		FUZZ_ASSERT(err[0]);
		fuzz_check_msg(err);
		FUZZ_ASSERT(strstr(err, "line ") || strstr(err, "record") ||
			    strstr(err, "binary change file"));
		lm_chg_free(&c);
		return 0;
	}
	lm_chg_coalesce(&c);
	fuzz_check_coalesced(&c);
	(void)lm_chg_blocks(&c);
	round_trip(&c, LM_CHG_TEXT);
	round_trip(&c, LM_CHG_JSONL);
	round_trip(&c, LM_CHG_BINARY);
	lm_chg_free(&c);
	return 0;
}
