/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration engine's tracker: a thread that drains the source's change
 * queue into a pending set the copier takes from, on a PF handle of its
 * own (commands from two threads never share one). Before the stop section
 * the thread is paused and the engine reads the queue itself, from memory,
 * to its final entry.
 */
#ifndef LM_MIG_TRACKER_H
#define LM_MIG_TRACKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lm-dev.h"
#include "lm-discover.h"
#include "lm-ranges.h"
#include "lm-tracker.h"

struct lm_mig_tracker {
	struct lm_dev dev;
	struct lm_tracker tr;
	bool started;
	pthread_t th;
	bool thread_running;
	pthread_mutex_t lock;
	/* Under lock while the thread runs: */
	struct lm_chg pending;
	uint64_t dirty_blocks;		/* drained since the start, rewrites too */
	int err;			/* the thread's error, or 0 */
	bool lost;			/* changes lost: a full copy is needed */
	char why[384];
	int stop;			/* atomic: the thread is to return */
	bool first_entry_seen;		/* logging confirmed by its first entry */
};

/*
 * Open the PF that pf names (with pf's command timeout), create the
 * queue, start logging (Track Send's completion confirms it), wait up to
 * first_wait_us for the queue's first entry, and start the thread. 0 or an
 * error with a message.
 */
int lm_mig_tracker_start(struct lm_mig_tracker *m, const struct lm_dev *pf,
			 const struct lm_target *t, uint32_t entries,
			 uint64_t first_wait_us, char *err, size_t errlen);

/*
 * Move what the thread drained into into. 0, or the thread's error (why
 * says it); m->lost tells of lost changes.
 */
int lm_mig_tracker_take(struct lm_mig_tracker *m, struct lm_chg *into);

/* The dirty block count so far, for a rate. */
void lm_mig_tracker_rate_mark(struct lm_mig_tracker *m, uint64_t *blocks);

/* Whether the thread still tracks: 0, or its error or loss (why says). */
int lm_mig_tracker_check(struct lm_mig_tracker *m);

/* Stop the thread; what it drained goes into into. */
int lm_mig_tracker_pause(struct lm_mig_tracker *m, struct lm_chg *into);

/*
 * After the suspend: read the queue from memory until its final entry, at
 * most timeout_us. No final entry, or one that says changes were lost,
 * sets m->lost (why says which).
 */
int lm_mig_tracker_final(struct lm_mig_tracker *m, struct lm_chg *into,
			 uint64_t timeout_us);

/* Stop the thread, delete the queue (unless gone), close the handle. */
int lm_mig_tracker_end(struct lm_mig_tracker *m, char *err, size_t errlen);

#endif /* LM_MIG_TRACKER_H */
