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

int lm_chg_write(FILE *f, enum lm_chg_fmt fmt, const struct lm_changes *c)
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

static int read_binary(FILE *f, struct lm_changes *c, char *err, size_t errlen)
{
	uint8_t r[REC_LEN];
	size_t n;
	unsigned long rec = 0;
	int ret = 0;

	while (!ret && (n = fread(r, 1, REC_LEN, f)) == REC_LEN) {
		rec++;
		if (lm_get_le32(r + 4) & REC_ALL)
			ret = lm_changes_add_all(c, lm_get_le32(r));
		else
			ret = lm_changes_add(c, lm_get_le32(r), lm_get_le64(r + 8),
					     lm_get_le64(r + 16));
	}
	if (!ret && n) {
		snprintf(err, errlen, "binary change file ends inside record %lu", rec + 1);
		return -EINVAL;
	}
	if (ret)
		snprintf(err, errlen, "out of memory");
	return ret;
}

static bool rest_blank(const char *s)
{
	return strspn(s, " \t\r\n") == strlen(s);
}

int lm_chg_read(FILE *f, struct lm_changes *c, char *err, size_t errlen)
{
	char line[256], magic[8];
	unsigned long lineno = 0;
	unsigned long long slba, nlb;
	unsigned int nsid;
	int ret = 0, n;

	if (fread(magic, 1, 8, f) == 8 && !memcmp(magic, LM_CHG_MAGIC, 8))
		return read_binary(f, c, err, errlen);
	rewind(f);
	while (!ret && fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		/* %n is set only when the whole pattern matched. */
		n = -1;
		if ((sscanf(line, "{\"nsid\":%u,\"slba\":%llu,\"nlb\":%llu}%n",
			    &nsid, &slba, &nlb, &n) == 3 && n >= 0 && rest_blank(line + n)) ||
		    (n = -1, sscanf(line, "%u %llu %llu%n", &nsid, &slba, &nlb, &n) == 3 &&
		     n >= 0 && rest_blank(line + n))) {
			ret = lm_changes_add(c, nsid, slba, nlb);
		} else if ((n = -1, sscanf(line, "{\"nsid\":%u,\"all\":true}%n", &nsid, &n) == 1 &&
			    n >= 0 && rest_blank(line + n)) ||
			   (n = -1, sscanf(line, "%u all%n", &nsid, &n) == 1 &&
			    n >= 0 && rest_blank(line + n))) {
			ret = lm_changes_add_all(c, nsid);
		} else {
			snprintf(err, errlen, "line %lu is not a change (NSID SLBA NLB): %.60s",
				 lineno, line);
			return -EINVAL;
		}
	}
	if (ret)
		snprintf(err, errlen, "out of memory");
	return ret;
}
