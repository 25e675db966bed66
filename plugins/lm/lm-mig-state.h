/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A migration's controller state, from the source's Get Controller State to
 * the destination's Set Controller State, in the stop section. Two
 * controllers: the destination's chunks go out while the source's are
 * still coming in, so the downtime holds the longer of the two transfers,
 * not their sum. The chunk that makes the destination load the state (the
 * last) goes only once the whole state is in and parses.
 */
#ifndef LM_MIG_STATE_H
#define LM_MIG_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "lm-dev.h"
#include "lm-discover.h"
#include "lm-ops.h"

struct lm_mig_state_result {
	int save_ret, restore_ret;	/* 0, an NVMe status, or -errno */
	char save_err[512], restore_err[512];
	bool restore_started;		/* a chunk reached the destination */
	uint64_t save_end_us;		/* CLOCK_MONOTONIC */
	uint64_t restore_start_us;	/* its first chunk's */
	struct lm_xfer_stats save_st, restore_st;
};

/*
 * Save from (sd, st) into b (reserved by the caller) while restoring into
 * (dd, dt); dt->csvi is set for the state's version. When the save fails
 * the destination gets no last chunk: restore_started says whether it
 * holds a partial transfer (Documentation/tp4159-notes.md). 0 when both
 * succeeded.
 */
int lm_mig_state_move(struct lm_dev *sd, const struct lm_target *st,
		      struct lm_dev *dd, struct lm_target *dt,
		      struct lm_state_buf *b, struct lm_mig_state_result *res);

#endif /* LM_MIG_STATE_H */
