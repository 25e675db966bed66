/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Change files: the ranges 'nvme lm track' streams and 'copy-ranges' reads.
 *
 *   text    one "NSID SLBA NLB" per line; "NSID all" for a whole namespace
 *   jsonl   {"nsid":N,"slba":N,"nlb":N} or {"nsid":N,"all":true} per line
 *   binary  "LMCHG001", then 24-byte records: NSID le32, flags le32
 *           (bit 0: all LBAs), SLBA le64, NLB le64
 */
#ifndef LM_CHANGES_IO_H
#define LM_CHANGES_IO_H

#include <stdio.h>

#include "lm-ranges.h"

enum lm_chg_fmt {
	LM_CHG_TEXT,
	LM_CHG_JSONL,
	LM_CHG_BINARY,
};

#define LM_CHG_MAGIC "LMCHG001"

int lm_chg_fmt_parse(const char *s);
void lm_chg_write_header(FILE *f, enum lm_chg_fmt fmt);
/* Write a coalesced set. Returns 0 or -EIO. */
int lm_chg_write(FILE *f, enum lm_chg_fmt fmt, const struct lm_chg *c);
/* Read a whole change file (any format), adding to c. */
int lm_chg_read(FILE *f, struct lm_chg *c, char *err, size_t errlen);

#endif /* LM_CHANGES_IO_H */
