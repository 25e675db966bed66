/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One user data migration queue's life, for whoever consumes it (nvme lm
 * track, the migration engine): memory the device may really write, the
 * queue created on it, logging started; new entries drained into a change
 * set with the head handed back; the queue deleted and the memory freed.
 */
#ifndef LM_TRACKER_H
#define LM_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lm-cdq.h"
#include "lm-cdq-mem.h"
#include "lm-dev.h"
#include "lm-discover.h"
#include "lm-ranges.h"

struct lm_tracker {
	struct lm_dev *dev;
	const struct lm_target *t;
	struct lm_cdq_mem mem;
	struct lm_cdq q;
	uint16_t cdqid;
	bool created;
	bool gone;		/* the device dropped the queue (reset, DUDMQ) */
};

/*
 * Create a queue of entries entries for target t and start logging. When
 * it returns 0, Track Send has completed: every write the VF completes
 * from now on is logged. -errno or an NVMe status, with a message.
 */
int lm_tracker_start(struct lm_tracker *tr, struct lm_dev *d,
		     const struct lm_target *t, uint32_t entries, char *err,
		     size_t errlen);

/*
 * Drain what the device has written into chg (*n: the entries consumed)
 * and hand the head back. 0 or an error; a queue the device dropped
 * without a final entry sets tr->gone and is no error.
 */
int lm_tracker_poll(struct lm_tracker *tr, struct lm_chg *chg,
		    unsigned int *n, char *err, size_t errlen);

/* Whether the queue still exists (Get Feature 21h): as poll. */
int lm_tracker_probe(struct lm_tracker *tr, char *err, size_t errlen);

/* Track Send stop: the device then posts the final entry. */
int lm_tracker_stop_logging(struct lm_tracker *tr, char *err, size_t errlen);

/*
 * Delete the queue (unless the device already did) and free its memory.
 * Safe on a tracker that never started.
 */
int lm_tracker_end(struct lm_tracker *tr, char *err, size_t errlen);

#endif /* LM_TRACKER_H */
