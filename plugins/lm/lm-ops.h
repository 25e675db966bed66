/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration steps on one target VF, for either profile: suspend,
 * resume, save (Get Controller State in chunks) and restore (Set Controller
 * State in chunks). Each returns 0, an NVMe status (> 0) or -errno, with a
 * one-line message in err.
 */
#ifndef LM_OPS_H
#define LM_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "lm-cmd.h"
#include "lm-dev.h"
#include "lm-discover.h"
#include "lm-progress.h"

struct lm_xfer_stats {
	uint64_t bytes;
	unsigned int chunks;
	double seconds;
	int failed_chunk;	/* restore: the chunk that failed, or -1 */
};

int lm_op_suspend(struct lm_dev *d, const struct lm_target *t, bool notify,
		  bool dudmq, char *err, size_t errlen);
int lm_op_resume(struct lm_dev *d, const struct lm_target *t, char *err,
		 size_t errlen);

/*
 * A state in memory: len bytes in a malloc'ed buffer of cap. A caller that
 * reserves the buffer beforehand (lm_state_buf_reserve) has nothing
 * allocated or faulted in by a save that fits it.
 */
struct lm_state_buf {
	void *p;
	uint64_t len, cap;
	/*
	 * Optional, for a consumer that follows a save: called once the state's
	 * size is known and p will not move again, then after each chunk, with
	 * the bytes in p so far. The save checks the whole state only after.
	 * Nonzero: the consumer gave up, the save stops there (-ECANCELED).
	 */
	int (*landed)(void *arg, uint64_t done, uint64_t total);
	void *arg;
};

/* cap bytes, touched now; 0 or -ENOMEM. */
int lm_state_buf_reserve(struct lm_state_buf *b, uint64_t cap);

/*
 * Save into b, grown if the state does not fit; b stays the caller's to
 * free, whatever the outcome. pg: where to show progress, or NULL.
 */
int lm_op_save_into(struct lm_dev *d, const struct lm_target *t,
		    struct lm_state_buf *b, struct lm_xfer_stats *st,
		    struct lm_progress *pg, char *err, size_t errlen);
/* On success *state is malloc'ed, *len bytes. */
int lm_op_save(struct lm_dev *d, const struct lm_target *t, void **state,
	       uint64_t *len, struct lm_xfer_stats *st,
	       struct lm_progress *pg, char *err, size_t errlen);
int lm_op_restore(struct lm_dev *d, const struct lm_target *t,
		  const void *state, uint64_t len, struct lm_xfer_stats *st,
		  struct lm_progress *pg, char *err, size_t errlen);

/*
 * One chunk of a restore (lm_chunker: its offset, length and sequence
 * indicator) from state; st counts it, or names it in failed_chunk.
 */
int lm_op_restore_chunk(struct lm_dev *d, const struct lm_target *t,
			const void *state, const struct lm_chunk *ch,
			struct lm_xfer_stats *st, char *err, size_t errlen);

/*
 * Whether the target is suspended, as Get Controller State tells it
 * (TP4159 only). 1 suspended, 0 not, < 0 cannot tell.
 */
int lm_op_is_suspended(struct lm_dev *d, const struct lm_target *t);

#endif /* LM_OPS_H */
