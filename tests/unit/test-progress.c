// SPDX-License-Identifier: GPL-2.0-or-later
/* lm-progress.c: the bar's text, and no bar where nobody watches. */
#include <stdio.h>

#include "unit.h"
#include "lm-progress.h"

static void test_format(void)
{
	char buf[128];

	lm_progress_format(buf, sizeof(buf), 16u << 20, 64u << 20, 2.0);
	CHECK_STR(buf, "16.0 MiB / 64.0 MiB  8.0 MiB/s  6 s left");
	/* No total yet: bytes and rate only. */
	lm_progress_format(buf, sizeof(buf), 1u << 20, 0, 1.0);
	CHECK_STR(buf, "1.0 MiB  1.0 MiB/s");
	/* Nothing measured yet: no rate, no guess at the time left. */
	lm_progress_format(buf, sizeof(buf), 0, 64u << 20, 0);
	CHECK_STR(buf, "0.0 MiB / 64.0 MiB");
}

static void test_off(void)
{
	struct lm_progress p;
	char out[64] = "";
	FILE *f = fmemopen(out, sizeof(out), "w");

	/* Asked off (JSON output): nothing, whatever stderr is. */
	lm_progress_init(&p, "save", false);
	p.out = f;
	lm_progress_total(&p, 100);
	lm_progress_update(&p, 50);
	lm_progress_end(&p);
	fclose(f);
	CHECK_STR(out, "");
	/* A NULL bar is no bar. */
	lm_progress_update(NULL, 1);
	lm_progress_end(NULL);
}

int main(void)
{
	RUN(test_format);
	RUN(test_off);
	return unit_summary("test-progress");
}
