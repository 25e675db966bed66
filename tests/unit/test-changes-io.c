// SPDX-License-Identifier: GPL-2.0-or-later
/* Change files: every format written is read back to the same set. */
#include <stdlib.h>

#include "unit.h"
#include "lm-changes-io.h"

static void fill(struct lm_changes *c)
{
	*c = (struct lm_changes){ 0 };
	lm_changes_add(c, 1, 100, 8);
	lm_changes_add(c, 1, 5000, 1);
	lm_changes_add(c, 2, 0x123456789ull, 65536);
	lm_changes_add_all(c, 3);
	lm_changes_coalesce(c);
}

static void round_trip(enum lm_chg_fmt fmt)
{
	struct lm_changes in, out = { 0 };
	char err[128];
	size_t i;
	FILE *f = tmpfile();

	fill(&in);
	lm_chg_write_header(f, fmt);
	CHECK_EQ(lm_chg_write(f, fmt, &in), 0);
	rewind(f);
	CHECK_EQ(lm_chg_read(f, &out, err, sizeof(err)), 0);
	lm_changes_coalesce(&out);
	CHECK_EQ(out.n, in.n);
	CHECK_EQ(out.nall, 1);
	CHECK(lm_changes_is_all(&out, 3));
	for (i = 0; i < in.n && i < out.n; i++) {
		CHECK_EQ(out.r[i].nsid, in.r[i].nsid);
		CHECK_EQ(out.r[i].slba, in.r[i].slba);
		CHECK_EQ(out.r[i].nlb, in.r[i].nlb);
	}
	fclose(f);
	lm_changes_free(&in);
	lm_changes_free(&out);
}

static void test_text(void)
{
	round_trip(LM_CHG_TEXT);
}

static void test_jsonl(void)
{
	round_trip(LM_CHG_JSONL);
}

static void test_binary(void)
{
	round_trip(LM_CHG_BINARY);
}

static void reject(const char *text, const char *why)
{
	struct lm_changes c = { 0 };
	char err[128] = "";
	FILE *f = tmpfile();

	fputs(text, f);
	rewind(f);
	CHECK(lm_chg_read(f, &c, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, why);
	fclose(f);
	lm_changes_free(&c);
}

static void test_rejects(void)
{
	reject("1 2\n", "line 1");
	reject("1 100 8\n1 100 8 9\n", "line 2");
	reject("{\"nsid\":1,\"slba\":2}\n", "line 1");
	reject("{\"nsid\":1,\"foo\":true}\n", "line 1");
	reject("LMCHG001abc", "ends inside record 1");
}

int main(void)
{
	RUN(test_text);
	RUN(test_jsonl);
	RUN(test_binary);
	RUN(test_rejects);
	return unit_summary("test-changes-io");
}
