// SPDX-License-Identifier: GPL-2.0-or-later
/* Change files: every format written is read back to the same set. */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "lm-changes-io.h"

static void fill(struct lm_chg *c)
{
	*c = (struct lm_chg){ 0 };
	lm_chg_add(c, 1, 100, 8);
	lm_chg_add(c, 1, 5000, 1);
	lm_chg_add(c, 2, 0x123456789ull, 65536);
	lm_chg_add_all(c, 3);
	lm_chg_coalesce(c);
}

static void round_trip(enum lm_chg_fmt fmt)
{
	struct lm_chg in, out = { 0 };
	char err[128];
	size_t i;
	FILE *f = tmpfile();

	fill(&in);
	lm_chg_write_header(f, fmt);
	CHECK_EQ(lm_chg_write(f, fmt, &in), 0);
	rewind(f);
	CHECK_EQ(lm_chg_read(f, &out, err, sizeof(err)), 0);
	lm_chg_coalesce(&out);
	CHECK_EQ(out.n, in.n);
	CHECK_EQ(out.nall, 1);
	CHECK(lm_chg_is_all(&out, 3));
	for (i = 0; i < in.n && i < out.n; i++) {
		CHECK_EQ(out.r[i].nsid, in.r[i].nsid);
		CHECK_EQ(out.r[i].slba, in.r[i].slba);
		CHECK_EQ(out.r[i].nlb, in.r[i].nlb);
	}
	fclose(f);
	lm_chg_free(&in);
	lm_chg_free(&out);
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

static int read_mem(const void *buf, size_t len, struct lm_chg *c,
		    char *err, size_t errlen)
{
	FILE *f = tmpfile();
	int ret;

	fwrite(buf, 1, len, f);
	rewind(f);
	ret = lm_chg_read(f, c, err, errlen);
	fclose(f);
	return ret;
}

static void reject_mem(const void *buf, size_t len, const char *why)
{
	struct lm_chg c = { 0 };
	char err[160] = "";
	size_t i;

	CHECK(read_mem(buf, len, &c, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, why);
	/* Whatever the input, the message is printable text. */
	for (i = 0; err[i]; i++)
		CHECK(err[i] >= 0x20 && err[i] < 0x7f);
	lm_chg_free(&c);
}

static void reject(const char *text, const char *why)
{
	reject_mem(text, strlen(text), why);
}

static void accept(const char *text, size_t n, size_t nall)
{
	struct lm_chg c = { 0 };
	char err[160] = "";

	CHECK_EQ(read_mem(text, strlen(text), &c, err, sizeof(err)), 0);
	if (err[0])
		fprintf(stderr, "unexpected error: %s\n", err);
	CHECK_EQ(c.n, n);
	CHECK_EQ(c.nall, nall);
	lm_chg_free(&c);
}

static void rec(uint8_t *r, uint32_t nsid, uint32_t flags, uint64_t slba,
		uint64_t nlb)
{
	int i;

	for (i = 0; i < 4; i++) {
		r[i] = nsid >> (8 * i);
		r[4 + i] = flags >> (8 * i);
	}
	for (i = 0; i < 8; i++) {
		r[8 + i] = slba >> (8 * i);
		r[16 + i] = nlb >> (8 * i);
	}
}

static void test_rejects(void)
{
	reject("1 2\n", "line 1");
	reject("1 100 8\n1 100 8 9\n", "line 2");
	reject("{\"nsid\":1,\"slba\":2}\n", "line 1");
	reject("{\"nsid\":1,\"foo\":true}\n", "line 1");
	reject("LMCHG001abc", "ends inside record 1");
}

/* "-1" is no number, in any field and any format: never 2^64 - 1. */
static void test_negative(void)
{
	reject("1 -1 8\n", "line 1: SLBA is negative");
	reject("1 0 8\n1 8 -1\n", "line 2: NLB is negative");
	reject("-1 0 8\n", "line 1: NSID is negative");
	reject("-1 all\n", "line 1: NSID is negative");
	reject("{\"nsid\":1,\"slba\":-5,\"nlb\":1}\n", "line 1: SLBA is negative");
	reject("{\"nsid\":1,\"slba\":5,\"nlb\":-1}\n", "line 1: NLB is negative");
	reject("1 +5 8\n", "line 1 is not a change");
	reject("1 18446744073709551616 1\n", "line 1: SLBA is out of range");
	reject("4294967296 0 1\n", "line 1: NSID is out of range");
	reject("1 0 99999999999999999999999\n", "line 1: NLB is out of range");
}

/* No empty range, none past LBA 2^64 - 2, no NSID 0 or broadcast. */
static void test_range_bounds(void)
{
	uint8_t b[8 + 24];

	reject("1 18446744073709551615 0\n", "line 1: NLB is 0");
	reject("1 5 0\n", "line 1: NLB is 0");
	reject("1 18446744073709551615 1\n", "line 1: SLBA + NLB runs past");
	reject("1 2 3\n1 18446744073709551614 2\n", "line 2: SLBA + NLB runs past");
	reject("{\"nsid\":1,\"slba\":18446744073709551615,\"nlb\":0}\n",
	       "line 1: NLB is 0");
	reject("0 1 1\n", "line 1: NSID must be 1 to 4294967294");
	reject("4294967295 all\n", "line 1: NSID must be 1");
	accept("1 18446744073709551614 1\n", 1, 0);
	accept("4294967294 0 18446744073709551615\n", 1, 0);

	memcpy(b, "LMCHG001", 8);
	rec(b + 8, 1, 0, UINT64_MAX, 0);
	reject_mem(b, sizeof(b), "binary record 1 (NSID 1, SLBA 18446744073709551615, NLB 0): NLB is 0");
	rec(b + 8, 1, 0, UINT64_MAX - 3, 8);
	reject_mem(b, sizeof(b), "record 1 (NSID 1, SLBA 18446744073709551612, NLB 8): SLBA + NLB runs past");
	rec(b + 8, 0, 1, 0, 0);
	reject_mem(b, sizeof(b), "record 1 (NSID 0, SLBA 0, NLB 0): NSID must be");
	rec(b + 8, 1, 0x80, 0, 1);
	reject_mem(b, sizeof(b), "record 1 has unknown flags 0x80");
}

/* A line too long is an error naming it, never two ranges. */
static void test_long_line(void)
{
	char text[600];
	size_t n;

	/* 255 characters and a newline: the longest a line may be. */
	n = snprintf(text, sizeof(text), "1 100 8%248s\n", "");
	CHECK_EQ(n, 256);
	accept(text, 1, 0);
	/* 256: too long, whatever it would have split into. */
	n = snprintf(text, sizeof(text), "1 100 8%249s\n", "");
	reject(text, "line 1 is longer than 255 characters");
	n = snprintf(text, sizeof(text), "2 1 1\n1 100 %252s9 4 5\n", "8");
	reject(text, "line 2 is longer than 255 characters");
	memset(text, '7', 400);
	strcpy(text + 400, "\n");
	reject(text, "line 1 is longer than 255");
}

/* Garbage is summarised, escaped: no raw control bytes in a message. */
static void test_garbage(void)
{
	static const uint8_t junk[] = { 0x1b, '[', '2', 'J', 0x07, 0xff, 'x', '\n' };
	static const uint8_t nul[] = { '1', ' ', '2', ' ', '3', 0, 'z', '\n' };

	reject_mem(junk, sizeof(junk), "line 1 is not a change (NSID SLBA NLB): \\x1b[2J\\x07\\xffx");
	reject_mem(nul, sizeof(nul), "line 1 has a NUL byte");
	reject("LMCHG002\x01\x02", "another version (\"LMCHG002\";");
	reject("1 2 3 \x1b]0;owned\x07\n", "\\x1b]0;owned\\x07");
}

/* Blank lines, comments, CRLF and extra blanks are fine. */
static void test_lenient(void)
{
	accept("# comment\n\n  \t\n1 2 3\r\n 1\t5 6 \n2 all\n", 2, 1);
	accept("{\"nsid\":1,\"slba\":2,\"nlb\":3}\r\n{\"nsid\":4,\"all\":true}\n", 1, 1);
	accept("1 2 3", 1, 0);
	accept("", 0, 0);
}

int main(void)
{
	RUN(test_text);
	RUN(test_jsonl);
	RUN(test_binary);
	RUN(test_rejects);
	RUN(test_negative);
	RUN(test_range_bounds);
	RUN(test_long_line);
	RUN(test_garbage);
	RUN(test_lenient);
	return unit_summary("test-changes-io");
}
