/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration engine: one VF moved from a source PF to a destination PF
 * in one process. Both PFs and both namespaces are opened once; change
 * logging is confirmed by the device before the full copy reads a block;
 * changed ranges are copied as the tracker drains them, round after round,
 * until the rest fits the downtime limit; then the stop section (suspend,
 * drain to the final entry, final copy, save, restore, resume) runs with
 * everything at hand, each step timestamped. A failure before the
 * destination resumes rolls back: the source is resumed and keeps serving.
 */
#ifndef LM_MIGRATE_H
#define LM_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lm-dev.h"
#include "lm-discover.h"

enum lm_mig_policy {
	LM_MIG_PROCEED,		/* not converged: stop and copy the rest */
	LM_MIG_ABORT,		/* not converged: give up, the source serves */
};

/* The steps, in order; the report names them. */
enum lm_mig_step {
	LM_MIG_PREPARE,		/* checks, the destination suspended */
	LM_MIG_TRACK,		/* change logging started and confirmed */
	LM_MIG_FULL_COPY,
	LM_MIG_PRE_COPY,
	LM_MIG_SUSPEND,		/* the stop section starts */
	LM_MIG_DRAIN,		/* the change queue read to its final entry */
	LM_MIG_FINAL_COPY,
	LM_MIG_SAVE,
	LM_MIG_RESTORE,
	LM_MIG_RESUME,		/* the destination runs: the point of no return */
	LM_MIG_HANDOVER,
	LM_MIG_NSTEPS,
};

/* One side of the move: a PF opened by the caller and its VF, resolved. */
struct lm_mig_remote;

struct lm_mig_side {
	struct lm_dev *dev;
	struct lm_target *t;
	const char *ns;		/* the VF's namespace here; NULL when shared */
	/*
	 * The destination on another host (lm-mig-remote.h): its steps go to
	 * the helper there, dev is only its name for messages.
	 */
	struct lm_mig_remote *remote;
};

struct lm_mig_opts {
	bool shared;			/* one namespace: nothing to copy */
	uint32_t downtime_limit_us;	/* the final copy's budget */
	uint64_t threshold;		/* or: at most this many bytes left */
	unsigned int max_rounds;
	enum lm_mig_policy on_no_converge;
	uint32_t entries;		/* change queue entries (checked) */
	const char *handover;		/* sh -c, once the destination runs */
	unsigned int handover_timeout_s;
	bool progress;			/* step lines on stderr */
};

struct lm_mig_round {
	bool final;			/* the copy while the source was stopped */
	uint64_t ranges;
	uint64_t bytes;
	uint64_t us;			/* copy and flush */
	uint64_t flush_us;		/* of which the flush */
};

/* What the VF of one side is when the engine returns. */
enum lm_vf_state {
	LM_VF_RUNNING,
	LM_VF_SUSPENDED,
	LM_VF_UNKNOWN,
};

enum lm_mig_outcome {
	LM_MIG_NOT_STARTED,	/* refused in preparation: nothing changed */
	LM_MIG_MIGRATED,	/* the destination runs with the VF's state */
	LM_MIG_ROLLED_BACK,	/* the source serves as before */
	LM_MIG_STOPPED,		/* neither: the message says what to do */
	LM_MIG_HANDOVER_FAILED,	/* migrated, but the hand-over failed */
};

struct lm_mig_report {
	enum lm_mig_outcome outcome;
	int failed_step;		/* enum lm_mig_step, or -1 */
	char error[768];		/* what failed, and why */
	char recovery[1024];		/* what each VF is, what to do ("" ok) */
	enum lm_vf_state src_state, dst_state;
	struct {
		uint64_t start_us, end_us;	/* from t0; 0, 0: not run */
		bool run;
	} steps[LM_MIG_NSTEPS];
	struct lm_mig_round *rounds;
	unsigned int nrounds, caprounds;
	bool changes_lost;
	bool converged;
	bool interrupted;		/* SIGINT/SIGTERM/SIGHUP arrived */
	unsigned int restarts;		/* trackers restarted after a loss */
	const char *logging_confirmed_by; /* "first-entry", "completion" */
	uint64_t bytes_copied;
	uint64_t state_bytes;
	uint64_t downtime_us;		/* suspend's start to resume's end */
	uint64_t total_us;
	double copy_bps, dirty_bps;	/* the last measured rates */
	uint64_t t0_epoch_ms;		/* wall clock at t0, for other logs */
};

/*
 * Move src's VF to dst's. Both devices are open and both targets
 * resolved. Returns 0 when migrated (the hand-over, if any, ran), or
 * non-zero with r->outcome, r->error and r->recovery saying where it ended.
 */
int lm_migrate_run(const struct lm_mig_side *src, const struct lm_mig_side *dst,
		   const struct lm_mig_opts *o, struct lm_mig_report *r);

void lm_mig_report_free(struct lm_mig_report *r);

const char *lm_mig_step_name(int step);
const char *lm_mig_outcome_name(enum lm_mig_outcome o);
const char *lm_vf_state_name(enum lm_vf_state s);

#endif /* LM_MIGRATE_H */
