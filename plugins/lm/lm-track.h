/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nvme lm track: log a VF's user data changes into a queue this process
 * owns, and stream the changed ranges until the controller ends it.
 */
#ifndef LM_TRACK_H
#define LM_TRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lm-cdq.h"
#include "lm-cdq-mem.h"
#include "lm-changes-io.h"
#include "lm-copy.h"
#include "lm-dev.h"
#include "lm-discover.h"

struct lm_track_opts {
	uint32_t entries;		/* queue entries */
	unsigned int interval_ms;	/* how often to look for new entries */
	enum lm_chg_fmt fmt;
	FILE *out;
	/*
	 * out replaces an existing file: emptied only once logging has
	 * started, so a track that fails before keeps the old file whole.
	 */
	bool truncate_late;
	struct lm_copier *copier;	/* NULL: no copy */
};

struct lm_track_result {
	uint64_t entries;
	uint64_t ranges;
	uint64_t blocks;
	const char *end;		/* how it ended, one keyword (below) */
	bool lost;			/* queue full, reset, or unknown end */
	bool interrupted;		/* SIGINT/SIGTERM */
	const char *why;		/* what ended it, in words */
};

/*
 * lm_track_result.end: suspended, stopped (logging stopped by Track Send),
 * queue-full, unknown-final-entry (an ESA this build does not know),
 * vanished (the queue went away without a final entry: a VF reset),
 * no-final-entry (none within 500 ms of stopping), interrupted, error.
 */

/* Exit status of a track whose changes are incomplete. */
#define LM_TRACK_EXIT_LOST	3

int lm_track_run(struct lm_dev *d, const struct lm_target *t,
		 const struct lm_track_opts *o, struct lm_track_result *r,
		 char *err, size_t errlen);

/*
 * What must hold before track creates a queue: the TP4159 profile, TRATTR.
 * TUDCS, a queue within MDTS (*entries 0: the most that fits one page or
 * one free hugepage, see hp), and, unless force, a PF whose IOMMU group is
 * identity. 0, or an error with a message in err.
 */
int lm_track_check(const struct lm_target *t, const char *devname,
		   const struct lm_hugepages *hp, bool force, uint64_t *entries,
		   char *err, size_t errlen);

#endif /* LM_TRACK_H */
