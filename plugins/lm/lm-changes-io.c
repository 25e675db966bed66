// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "lm-changes-io.h"
#include "lm-le.h"

#define REC_LEN		24
#define REC_ALL		0x1

int lm_chg_fmt_parse(const char *s)
{
	if (!strcmp(s, "text"))
		return LM_CHG_TEXT;
	if (!strcmp(s, "jsonl"))
		return LM_CHG_JSONL;
	if (!strcmp(s, "binary"))
		return LM_CHG_BINARY;
	return -1;
}

void lm_chg_write_header(FILE *f, enum lm_chg_fmt fmt)
{
	if (fmt == LM_CHG_BINARY)
		fwrite(LM_CHG_MAGIC, 1, 8, f);
}

static void put_rec(FILE *f, uint32_t nsid, uint32_t flags, uint64_t slba,
		    uint64_t nlb)
{
	uint8_t r[REC_LEN];

	lm_put_le32(r, nsid);
	lm_put_le32(r + 4, flags);
	lm_put_le64(r + 8, slba);
	lm_put_le64(r + 16, nlb);
	fwrite(r, 1, sizeof(r), f);
}

int lm_chg_write(FILE *f, enum lm_chg_fmt fmt, const struct lm_chg *c)
{
	size_t i;

	for (i = 0; i < c->nall; i++) {
		if (fmt == LM_CHG_TEXT)
			fprintf(f, "%u all\n", c->all[i]);
		else if (fmt == LM_CHG_JSONL)
			fprintf(f, "{\"nsid\":%u,\"all\":true}\n", c->all[i]);
		else
			put_rec(f, c->all[i], REC_ALL, 0, 0);
	}
	for (i = 0; i < c->n; i++) {
		const struct lm_range *r = &c->r[i];

		if (fmt == LM_CHG_TEXT)
			fprintf(f, "%u %" PRIu64 " %" PRIu64 "\n", r->nsid, r->slba, r->nlb);
		else if (fmt == LM_CHG_JSONL)
			fprintf(f, "{\"nsid\":%u,\"slba\":%" PRIu64 ",\"nlb\":%" PRIu64 "}\n",
				r->nsid, r->slba, r->nlb);
		else
			put_rec(f, r->nsid, 0, r->slba, r->nlb);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}

/* The longest line a text or JSON Lines change file may have. */
#define LINE_MAX_LEN	255
#define NSID_MAX	0xfffffffeu	/* 0xffffffff is the broadcast NSID */

/*
 * Quote at most max bytes of s for a message: printable ASCII as is, any
 * other byte as \xHH, so binary garbage never reaches a terminal raw.
 */
static void quote(char *out, size_t outlen, const uint8_t *s, size_t len,
		  size_t max)
{
	size_t i, o = 0;

	if (!outlen)
		return;
	for (i = 0; i < len && i < max && o + 5 < outlen; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			out[o++] = s[i];
		else
			o += snprintf(out + o, outlen - o, "\\x%02x", s[i]);
	}
	if (i < len && o + 4 < outlen)
		o += snprintf(out + o, outlen - o, "...");
	out[o] = '\0';
}

/* Why a range cannot be one, or NULL: the same rules for every format. */
static const char *bad_range(uint32_t nsid, uint64_t slba, uint64_t nlb)
{
	if (!nsid || nsid > NSID_MAX)
		return "NSID must be 1 to 4294967294";
	if (!nlb)
		return "NLB is 0 (a range has at least one block)";
	if (nlb > UINT64_MAX - slba)
		return "SLBA + NLB runs past the last possible LBA (2^64 - 2)";
	return NULL;
}

static int read_binary(FILE *f, struct lm_chg *c, char *err, size_t errlen)
{
	uint8_t r[REC_LEN];
	size_t n;
	unsigned long rec = 0;
	uint32_t nsid, flags;
	uint64_t slba, nlb;
	const char *why;
	int ret = 0;

	while (!ret && (n = fread(r, 1, REC_LEN, f)) == REC_LEN) {
		rec++;
		nsid = lm_get_le32(r);
		flags = lm_get_le32(r + 4);
		slba = lm_get_le64(r + 8);
		nlb = lm_get_le64(r + 16);
		if (flags & ~REC_ALL) {
			snprintf(err, errlen, "binary record %lu has unknown flags 0x%x",
				 rec, flags);
			return -EINVAL;
		}
		if (flags & REC_ALL)
			why = nsid && nsid <= NSID_MAX ? NULL : bad_range(nsid, 0, 1);
		else
			why = bad_range(nsid, slba, nlb);
		if (why) {
			snprintf(err, errlen, "binary record %lu (NSID %u, SLBA %" PRIu64
				 ", NLB %" PRIu64 "): %s", rec, nsid, slba, nlb, why);
			return -EINVAL;
		}
		if (flags & REC_ALL)
			ret = lm_chg_add_all(c, nsid);
		else
			ret = lm_chg_add(c, nsid, slba, nlb);
	}
	if (!ret && ferror(f)) {
		snprintf(err, errlen, "read error after binary record %lu", rec);
		return -EIO;
	}
	if (!ret && n) {
		snprintf(err, errlen, "binary change file ends inside record %lu", rec + 1);
		return -EINVAL;
	}
	if (ret)
		snprintf(err, errlen, "out of memory");
	return ret;
}

/*
 * An unsigned decimal number at *p, at most max. Returns 0 and moves *p
 * past it, 1 when *p does not start with a digit (a sign included), or -1
 * with a message naming the line and the field when it is out of range.
 */
static int number(const char **p, const char *name, uint64_t max,
		  uint64_t *v, unsigned long lineno, char *err, size_t errlen)
{
	const char *s = *p;
	uint64_t x = 0;
	unsigned int d;

	if (*s == '-' && s[1] >= '0' && s[1] <= '9') {
		snprintf(err, errlen, "line %lu: %s is negative", lineno, name);
		return -1;
	}
	if (*s < '0' || *s > '9')
		return 1;
	for (; *s >= '0' && *s <= '9'; s++) {
		d = *s - '0';
		if (x > (max - d) / 10) {
			snprintf(err, errlen, "line %lu: %s is out of range (at most %" PRIu64 ")",
				 lineno, name, max);
			return -1;
		}
		x = x * 10 + d;
	}
	*v = x;
	*p = s;
	return 0;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static const char *skip_blank(const char *s)
{
	while (blank(*s))
		s++;
	return s;
}

/* A number that blanks follow (a text line's NSID, SLBA): past both. */
static int word(const char **p, const char *name, uint64_t max, uint64_t *v,
		unsigned long lineno, char *err, size_t errlen)
{
	int r = number(p, name, max, v, lineno, err, errlen);

	if (r)
		return r;
	if (!blank(**p))
		return 1;
	*p = skip_blank(*p);
	return 0;
}

/* Match literal lit at *p and move past it. */
static bool lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n))
		return false;
	*p += n;
	return true;
}

/*
 * One line, NUL-terminated, without its newline: "NSID SLBA NLB",
 * "NSID all", or the JSON Lines forms. Returns 0 with *all or the range
 * set, 1 when it has none of these shapes, -1 with a message.
 */
static int parse_line(const char *s, unsigned long lineno, bool *all,
		      uint64_t *nsid, uint64_t *slba, uint64_t *nlb,
		      char *err, size_t errlen)
{
	const char *p = skip_blank(s);
	int r;

	*all = false;
	if (lit(&p, "{\"nsid\":")) {
		r = number(&p, "NSID", UINT32_MAX, nsid, lineno, err, errlen);
		if (r)
			return r;
		if (lit(&p, ",\"all\":true}")) {
			*all = true;
		} else {
			if (!lit(&p, ",\"slba\":"))
				return 1;
			r = number(&p, "SLBA", UINT64_MAX, slba, lineno, err, errlen);
			if (r)
				return r;
			if (!lit(&p, ",\"nlb\":"))
				return 1;
			r = number(&p, "NLB", UINT64_MAX, nlb, lineno, err, errlen);
			if (r)
				return r;
			if (!lit(&p, "}"))
				return 1;
		}
		return *skip_blank(p) ? 1 : 0;
	}
	r = word(&p, "NSID", UINT32_MAX, nsid, lineno, err, errlen);
	if (r)
		return r;
	if (lit(&p, "all")) {
		*all = true;
	} else {
		r = word(&p, "SLBA", UINT64_MAX, slba, lineno, err, errlen);
		if (r)
			return r;
		r = number(&p, "NLB", UINT64_MAX, nlb, lineno, err, errlen);
		if (r)
			return r;
	}
	return *skip_blank(p) ? 1 : 0;
}

/*
 * Read one line into line (LINE_MAX_LEN + 1 bytes), without its newline.
 * Returns its length, -1 at the end of the file, -2 when it is too long
 * (the rest of the line is not read).
 */
static long get_line(FILE *f, char *line)
{
	long n = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (n == LINE_MAX_LEN)
			return -2;
		line[n++] = ch;
	}
	if (ch == EOF && !n)
		return -1;
	line[n] = '\0';
	return n;
}

int lm_chg_read(FILE *f, struct lm_chg *c, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 1], magic[8] = "", q[80];
	unsigned long lineno = 0;
	uint64_t nsid, slba = 0, nlb = 0;
	const char *why, *p;
	bool all;
	long len;
	int ret = 0, r;

	len = fread(magic, 1, 8, f);
	if (len == 8 && !memcmp(magic, LM_CHG_MAGIC, 8))
		return read_binary(f, c, err, errlen);
	if (len == 8 && !memcmp(magic, LM_CHG_MAGIC, 5)) {
		quote(q, sizeof(q), (const uint8_t *)magic, 8, 8);
		snprintf(err, errlen, "binary change file of another version (\"%s\"; this build reads "
			 LM_CHG_MAGIC ")", q);
		return -EINVAL;
	}
	rewind(f);
	while (!ret && (len = get_line(f, line)) != -1) {
		lineno++;
		if (len == -2) {
			snprintf(err, errlen, "line %lu is longer than %d characters",
				 lineno, LINE_MAX_LEN);
			return -EINVAL;
		}
		if (memchr(line, '\0', len)) {
			snprintf(err, errlen, "line %lu has a NUL byte: not a text change file",
				 lineno);
			return -EINVAL;
		}
		p = skip_blank(line);
		if (!*p || *p == '#')
			continue;
		r = parse_line(line, lineno, &all, &nsid, &slba, &nlb, err, errlen);
		if (r < 0)
			return -EINVAL;
		if (r) {
			quote(q, sizeof(q), (const uint8_t *)line, len, 60);
			snprintf(err, errlen, "line %lu is not a change (NSID SLBA NLB): %s",
				 lineno, q);
			return -EINVAL;
		}
		why = bad_range(nsid, all ? 0 : slba, all ? 1 : nlb);
		if (why) {
			snprintf(err, errlen, "line %lu: %s", lineno, why);
			return -EINVAL;
		}
		if (all)
			ret = lm_chg_add_all(c, nsid);
		else
			ret = lm_chg_add(c, nsid, slba, nlb);
	}
	if (ret) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "read error after line %lu", lineno);
		return -EIO;
	}
	return 0;
}
