/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Human and JSON output of saved controller states. */
#ifndef LM_PRINT_H
#define LM_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lm-copy.h"
#include "lm-state-file.h"

enum lm_fmt {
	LM_FMT_NORMAL,
	LM_FMT_JSON,
};

/* Returns the format, or -1 for a name that is neither. */
int lm_fmt_parse(const char *s);

/*
 * Decode a controller state for a reader. h is the container header, or
 * NULL for a bare state. Returns 0, or -EINVAL with the problem in err when
 * the state cannot be decoded (what could be decoded is still printed).
 */
int lm_print_state(FILE *f, enum lm_fmt fmt, const char *name,
		   const struct lm_sf_hdr *h, const void *payload, size_t len,
		   char *err, size_t errlen);



struct lm_pf;
struct lm_target;
struct lm_xfer_stats;
struct lm_track_result;

/* Per-VF facts from sysfs, for info. */
/* What info shows of each VF beyond the secondary controller list. */
struct lm_vf_status {
	char addr[32];		/* PCI address, "" when sysfs lacks it */
	char driver[64];	/* bound driver, "" for none */
	int suspended;		/* 1, 0, or -1 when the device cannot tell */
};

/* Change-queue sizes this host can give (lm-cdq-mem.c). */
struct lm_cdq_limits {
	uint32_t page_entries;	/* in one 4 KiB page */
	uint32_t max_entries;	/* with what is free now, within MDTS */
	unsigned long hugepages_free;
};

void lm_print_info(FILE *f, enum lm_fmt fmt, const char *dev,
		   const struct lm_pf *pf, const struct lm_vf_status *vfs,
		   const struct lm_cdq_limits *lim);
/* suspend, resume: what was done to which VF. */
void lm_print_step(FILE *f, enum lm_fmt fmt, const char *op, const char *dev,
		   const struct lm_target *t, const char *what);
/* save, restore: sizes, chunks, checksum, time. */
void lm_print_xfer(FILE *f, enum lm_fmt fmt, const char *op, const char *dev,
		   const struct lm_target *t, const struct lm_xfer_stats *st,
		   const char *file, uint32_t crc);
/* track: entries, ranges, blocks, how it ended; copied NULL without --copy. */
/* copy-ranges: what was copied, and what belonged to other namespaces. */
void lm_print_copy(FILE *f, enum lm_fmt fmt, const char *src, const char *dst,
		   const struct lm_copier *c, double seconds);
void lm_print_track(FILE *f, enum lm_fmt fmt, const char *dev,
		    const struct lm_target *t, const struct lm_track_result *r,
		    const uint64_t *copied);

#endif /* LM_PRINT_H */
