// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The migration engine (see lm-migrate.h). Two threads while the guest
 * runs: the tracker (lm-mig-tracker.c) drains the change queue into a
 * pending set; this one copies what is pending, round after round. The
 * stop section runs in this thread alone, from memory it already holds.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lm-copy.h"
#include "lm-ctrl-state.h"
#include "lm-handover.h"
#include "lm-mig-remote.h"
#include "lm-mig-state.h"
#include "lm-mig-journal.h"
#include "lm-mig-tracker.h"
#include "lm-migrate.h"
#include "lm-ops.h"
#include "lm-policy.h"
#include "lm-signals.h"
#include "lm-state-io.h"
#include "lm-status.h"

/* How long the final entry may take to appear after the suspend. */
#define LM_MIG_FINAL_ENTRY_US	500000
/* How long logging's first entry may take before the completion counts. */
#define LM_MIG_FIRST_ENTRY_US	100000
/*
 * The controller state's buffer, reserved and faulted in during preparation
 * (its size is known only once the source is suspended): a save that fits
 * allocates nothing in the stop section; a larger one grows it there.
 */
#define LM_MIG_STATE_RESERVE	(8u << 20)

struct mig {
	const struct lm_mig_side *src, *dst;
	const struct lm_mig_opts *o;
	struct lm_mig_report *r;
	struct lm_held_signals held;
	uint64_t t0;
	int step;			/* the step running now */
	struct lm_copier copier;
	bool copier_open;
	struct lm_mig_tracker trk;
	bool tracking;
	struct lm_chg carry;		/* drained, not copied yet */
	uint32_t nsid;			/* the namespace the copier copies */
	bool src_suspended;		/* by us: the rollback resumes it */
	bool dst_suspended_by_us;	/* and nothing loaded into it yet */
	bool dst_loaded;		/* restore started */
	bool dst_resumed;
	bool dst_reenabled;		/* found running after a failed resume */
	bool src_reset;			/* found running after the suspend */
	struct lm_mig_journal journal;	/* what we hold, for a successor */
	struct lm_mig_record dead;	/* left by a migration that died */
	bool dead_past_return;		/* ... after its destination resumed */
	struct lm_state_buf state;	/* reserved in preparation */
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const step_names[LM_MIG_NSTEPS] = {
	[LM_MIG_PREPARE]	= "prepare",
	[LM_MIG_TRACK]		= "track",
	[LM_MIG_FULL_COPY]	= "full-copy",
	[LM_MIG_PRE_COPY]	= "pre-copy",
	[LM_MIG_SUSPEND]	= "suspend",
	[LM_MIG_DRAIN]		= "drain",
	[LM_MIG_FINAL_COPY]	= "final-copy",
	[LM_MIG_SAVE]		= "save",
	[LM_MIG_RESTORE]	= "restore",
	[LM_MIG_RESUME]		= "resume",
	[LM_MIG_HANDOVER]	= "handover",
};

const char *lm_mig_step_name(int step)
{
	return step >= 0 && step < LM_MIG_NSTEPS ? step_names[step] : "none";
}

const char *lm_mig_outcome_name(enum lm_mig_outcome o)
{
	switch (o) {
	case LM_MIG_NOT_STARTED:	return "not-started";
	case LM_MIG_MIGRATED:		return "migrated";
	case LM_MIG_ROLLED_BACK:	return "rolled-back";
	case LM_MIG_STOPPED:		return "stopped";
	case LM_MIG_HANDOVER_FAILED:	return "handover-failed";
	}
	return "unknown";
}

const char *lm_vf_state_name(enum lm_vf_state s)
{
	switch (s) {
	case LM_VF_RUNNING:	return "running";
	case LM_VF_SUSPENDED:	return "suspended";
	case LM_VF_UNKNOWN:	break;
	}
	return "unknown";
}

static void say(struct mig *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct mig *m, const char *fmt, ...)
{
	va_list ap;

	if (!m->o->progress)
		return;
	fputs("migrate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void begin(struct mig *m, int step)
{
	m->step = step;
	m->r->steps[step].start_us = mono_us() - m->t0;
	m->r->steps[step].run = true;
}

static void end(struct mig *m)
{
	m->r->steps[m->step].end_us = mono_us() - m->t0;
}

static void fail_msg(struct mig *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The first failure is the one reported. */
static void fail_msg(struct mig *m, const char *fmt, ...)
{
	va_list ap;

	if (m->r->failed_step >= 0)
		return;
	m->r->failed_step = m->step;
	va_start(ap, fmt);
	vsnprintf(m->r->error, sizeof(m->r->error), fmt, ap);
	va_end(ap);
	end(m);
}

static int add_round(struct mig *m, bool final, uint64_t ranges,
		     uint64_t bytes, uint64_t us, uint64_t flush_us)
{
	struct lm_mig_report *r = m->r;

	if (r->nrounds == r->caprounds) {
		unsigned int cap = r->caprounds ? r->caprounds * 2 : 16;
		struct lm_mig_round *n = realloc(r->rounds, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->rounds = n;
		r->caprounds = cap;
	}
	r->rounds[r->nrounds++] = (struct lm_mig_round){
		.final = final, .ranges = ranges, .bytes = bytes, .us = us,
		.flush_us = flush_us,
	};
	return 0;
}

/*
 * Fault injection for the tests that prove a lost range is caught (fio's
 * verify must fail): LM_MIGRATE_DROP_RANGES=N leaves the first N ranges of
 * each pre-copy round uncopied. Never set outside tests/migrate.
 */
static void drop_ranges_for_test(struct lm_chg *chg)
{
	const char *v = getenv("LM_MIGRATE_DROP_RANGES");
	size_t n = v ? strtoul(v, NULL, 10) : 0;

	if (!n || chg->nall)
		return;
	n = n < chg->n ? n : chg->n;
	memmove(chg->r, chg->r + n, (chg->n - n) * sizeof(*chg->r));
	chg->n -= n;
}

/* Copy a coalesced set; record it as a round. */
static int copy_round(struct mig *m, struct lm_chg *chg, bool final)
{
	uint64_t before = m->copier.bytes, ranges = m->copier.ranges;
	uint64_t start = mono_us(), us, flush;
	char err[256];
	int ret;

	ret = lm_copier_copy(&m->copier, chg, err, sizeof(err));
	flush = mono_us();
	/*
	 * Each round is flushed while the guest still runs, so the stop
	 * section's flush has only the final copy to write out.
	 */
	if (!ret)
		ret = lm_copier_flush(&m->copier, err, sizeof(err));
	if (ret) {
		fail_msg(m, "%s", err);
		return ret;
	}
	us = mono_us() - start;
	flush = mono_us() - flush;
	if (us && m->copier.bytes > before)
		m->r->copy_bps = (double)(m->copier.bytes - before) * 1e6 / us;
	m->r->bytes_copied = m->copier.bytes;
	if (add_round(m, final, m->copier.ranges - ranges,
		      m->copier.bytes - before, us, flush)) {
		fail_msg(m, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* Bytes a coalesced change set covers on our namespace. */
static uint64_t chg_bytes(const struct mig *m, const struct lm_chg *c)
{
	if (c->nall)
		return m->copier.nlbas * m->copier.lba_size;
	return lm_chg_blocks(c) * m->copier.lba_size;
}

/* ---- one side's steps: its PF here, or the helper on its host ---- */

static int side_suspend(const struct lm_mig_side *s, bool dudmq, char *err,
			size_t errlen)
{
	if (s->remote)
		return lm_remote_suspend(s->remote, err, errlen);
	return lm_op_suspend(s->dev, s->t, false, dudmq, err, errlen);
}

static int side_resume(const struct lm_mig_side *s, char *err, size_t errlen)
{
	if (s->remote)
		return lm_remote_resume(s->remote, err, errlen);
	return lm_op_resume(s->dev, s->t, err, errlen);
}

/* Load a state, at the side's own CSVI for the state's version. */
static int side_restore(const struct lm_mig_side *s, const void *state,
			uint64_t len, char *err, size_t errlen)
{
	struct lm_xfer_stats st;
	int ret;

	if (s->remote)
		return lm_remote_restore(s->remote, state, len, err, errlen);
	ret = lm_pick_restore_csvi(s->t, s->dev->name, state, len, err, errlen);
	if (!ret)
		ret = lm_op_restore(s->dev, s->t, state, len, &st, NULL, err, errlen);
	return ret;
}

/* What a VF is, asked of the device when the outcome is unknown. */
static enum lm_vf_state ask_state(const struct lm_mig_side *s)
{
	int ret = s->remote ? lm_remote_state(s->remote) :
		  lm_op_is_suspended(s->dev, s->t);

	return ret < 0 ? LM_VF_UNKNOWN : ret ? LM_VF_SUSPENDED : LM_VF_RUNNING;
}

/* A command that timed out may have been executed all the same. */
static bool outcome_unknown(int ret)
{
	return ret == -EINTR || ret == -ETIMEDOUT || ret == -EIO ||
	       ret == -EPIPE || ret == -EPROTO;
}

/*
 * After a rollback: the destination we suspended and loaded nothing into
 * runs again as it did; then what it really is, asked of the device (a
 * reset may have changed it behind our back).
 */
static void settle_destination(struct mig *m)
{
	const struct lm_mig_side *dst = m->dst;
	char err[256];

	if (m->dst_suspended_by_us && !m->dst_loaded) {
		int ret = side_resume(dst, err, sizeof(err));

		/* Not suspended after all: a suspend whose outcome was unknown. */
		if (!ret || lm_status_is_cmd(ret, LM_SC_CTRL_NOT_SUSPENDED))
			m->dst_suspended_by_us = false;
	}
	if (dst->t->profile == LM_PROFILE_TP4159)
		m->r->dst_state = ask_state(dst);
	else
		m->r->dst_state = m->dst_suspended_by_us || m->dst_loaded ?
				  LM_VF_SUSPENDED : LM_VF_RUNNING;
}

/* "the destination VF n of /dev/nvmeY is STATE[, and what to do]" */
static void say_destination(const struct mig *m, char *buf, size_t len)
{
	const struct lm_mig_side *dst = m->dst;
	const char *note = "";

	if (m->dst_reenabled)
		note = " again: it ran without this migration's state after its resume failed (reset?); its state is not the VM's";
	else if (m->r->dst_state == LM_VF_SUSPENDED && m->dst_loaded)
		note = " with a partial or unused state: restore or reset it before use";
	else if (m->r->dst_state == LM_VF_UNKNOWN && m->dst_loaded)
		note = " (it cannot be asked) and may hold a partial or unused state: check it (nvme lm info) and reset it before use";
	else if (m->r->dst_state == LM_VF_UNKNOWN)
		note = " (it cannot be asked): check it (nvme lm info) and resume it if it is suspended";
	snprintf(buf, len, "the destination VF %u of %s is %s%s", dst->t->vfn,
		 dst->dev->path, lm_vf_state_name(m->r->dst_state), note);
}

/*
 * The source runs although this migration suspended it: a reset. Nothing
 * is resumed; the report says what both VFs are.
 */
static void source_was_reset(struct mig *m)
{
	const struct lm_mig_side *src = m->src;
	char dside[384];

	settle_destination(m);
	say_destination(m, dside, sizeof(dside));
	m->r->src_state = LM_VF_RUNNING;
	m->r->outcome = LM_MIG_STOPPED;
	snprintf(m->r->recovery, sizeof(m->r->recovery),
		 "the source VF %u of %s runs although this migration suspended it (a reset?): its guest may have lost its queues, check the VM; %s",
		 src->t->vfn, src->dev->path, dside);
}

/*
 * Undo what can be undone after a failure before the destination resumed.
 * The source is resumed only when the destination is known not to run.
 */
static void rollback(struct mig *m)
{
	const struct lm_mig_side *src = m->src, *dst = m->dst;
	struct lm_mig_report *r = m->r;
	char err[256], dside[384];
	int ret;

	r->src_state = m->src_suspended ? LM_VF_SUSPENDED : LM_VF_RUNNING;
	if (m->dead_past_return) {
		r->outcome = LM_MIG_STOPPED;
		r->src_state = LM_VF_SUSPENDED;
		r->dst_state = LM_VF_RUNNING;
		snprintf(r->recovery, sizeof(r->recovery),
			 "the migration that died (process %d) went past the point of no return: the destination VF %u of %s runs with the VM's state, the source VF %u of %s stays suspended; hand the VM over to the destination, there is nothing left to migrate",
			 (int)m->dead.pid, dst->t->vfn, dst->dev->path, src->t->vfn,
			 src->dev->path);
		return;
	}
	if (r->failed_step == LM_MIG_PREPARE && !m->dst_suspended_by_us) {
		r->outcome = LM_MIG_NOT_STARTED;
		snprintf(r->recovery, sizeof(r->recovery),
			 "nothing was changed: the source VF %u of %s serves as before",
			 src->t->vfn, src->dev->path);
		return;
	}
	r->dst_state = m->dst_suspended_by_us || m->dst_loaded ?
		       LM_VF_SUSPENDED : LM_VF_UNKNOWN;

	if (r->failed_step == LM_MIG_RESUME) {
		r->dst_state = ask_state(dst);
		if (r->dst_state == LM_VF_UNKNOWN) {
			r->outcome = LM_MIG_STOPPED;
			snprintf(r->recovery, sizeof(r->recovery),
				 "whether the destination VF %u of %s runs cannot be told; the source VF %u of %s stays suspended so that both never run: check the destination (nvme lm info %s), then resume one of them",
				 dst->t->vfn, dst->dev->path, src->t->vfn, src->dev->path,
				 dst->dev->path);
			return;
		}
		/*
		 * Running although our resume failed with a status (an unknown
		 * outcome with the destination running counts as resumed): a
		 * reset threw the loaded state away, or someone else resumed
		 * it. Either way it must not run beside the source.
		 */
		if (r->dst_state == LM_VF_RUNNING) {
			if (side_suspend(dst, false, err, sizeof(err))) {
				r->outcome = LM_MIG_STOPPED;
				snprintf(r->recovery, sizeof(r->recovery),
					 "the destination VF %u of %s runs although its resume failed, and cannot be suspended (%s); the source VF %u of %s stays suspended with its state so that both never run: suspend the destination, then resume the source (nvme lm resume %s --vf %u)",
					 dst->t->vfn, dst->dev->path, err, src->t->vfn,
					 src->dev->path, src->dev->path, src->t->vfn);
				return;
			}
			m->dst_reenabled = true;
		}
	}
	if (m->src_reset) {
		source_was_reset(m);
		return;
	}
	/* A suspend that timed out may have happened. */
	if (!m->src_suspended && r->failed_step == LM_MIG_SUSPEND &&
	    ask_state(src) != LM_VF_RUNNING)
		m->src_suspended = true;

	if (m->src_suspended) {
		ret = side_resume(src, err, sizeof(err));
		if (ret && outcome_unknown(ret) && ask_state(src) == LM_VF_RUNNING)
			ret = 0;
		if (ret && lm_status_is_cmd(ret, LM_SC_CTRL_NOT_SUSPENDED)) {
			/* Running already: something reset it. Say so. */
			source_was_reset(m);
			return;
		}
		if (ret) {
			settle_destination(m);
			r->src_state = ask_state(src);
			r->outcome = LM_MIG_STOPPED;
			snprintf(r->recovery, sizeof(r->recovery),
				 "ROLLBACK FAILED: the source VF %u of %s could not be resumed (%s); resume it by hand: nvme lm resume %s --vf %u",
				 src->t->vfn, src->dev->path, err, src->dev->path, src->t->vfn);
			return;
		}
		m->src_suspended = false;
	}
	r->src_state = LM_VF_RUNNING;
	r->outcome = LM_MIG_ROLLED_BACK;
	settle_destination(m);
	say_destination(m, dside, sizeof(dside));
	snprintf(r->recovery, sizeof(r->recovery),
		 "rolled back: the source VF %u of %s runs and keeps serving; %s",
		 src->t->vfn, src->dev->path, dside);
}

/* ---- what a migration of this VF that died left behind ---- */

/* Our record: what a successor must undo if we are killed. */
static void record(struct mig *m)
{
	char err[512];

	if (m->journal.held && lm_mig_journal_write(&m->journal, err, sizeof(err)))
		say(m, "%s: a migration killed from here on is not cleaned up after", err);
}

/*
 * Its change queue is deleted (the VF takes one queue at a time); a
 * source it left suspended in its stop section is resumed when the
 * destination never ran, and when it did, the VM belongs there.
 */
static int adopt_dead(struct mig *m)
{
	const struct lm_mig_side *src = m->src, *dst = m->dst;
	const struct lm_mig_record *d = &m->dead;
	char err[512], why[320];
	struct lm_cmd c;
	int ret;

	if (!d->pid)
		return 0;
	/* A suspend with DUDMQ deleted it already, in the stop section. */
	if (d->cdqid >= 0 && !d->stop) {
		lm_enc_cdq_delete(&c, d->cdqid);
		ret = lm_dev_submit(src->dev, &c, NULL);
		if (!ret)
			say(m, "a migration of this VF that died (process %d) left its change queue %d: deleted",
			    (int)d->pid, d->cdqid);
		else if (!lm_status_is_cmd(ret, LM_SC_INVALID_CDQ)) {
			lm_dev_error(why, sizeof(why), &c, ret);
			say(m, "a migration of this VF that died (process %d) left its change queue %d, which cannot be deleted: %s",
			    (int)d->pid, d->cdqid, why);
		}
	}
	if (!d->stop || src->t->profile != LM_PROFILE_TP4159 ||
	    ask_state(src) != LM_VF_SUSPENDED) {
		/* A destination it suspended and loaded nothing into is ours. */
		m->dst_suspended_by_us = !d->stop;
		return 0;
	}
	switch (ask_state(dst)) {
	case LM_VF_SUSPENDED:
		ret = side_resume(src, err, sizeof(err));
		if (ret) {
			fail_msg(m, "a migration of VF %u of %s that died in its stop section (process %d) left it suspended, and it cannot be resumed: %s",
				 src->t->vfn, src->dev->path, (int)d->pid, err);
			return ret;
		}
		say(m, "a migration of this VF that died in its stop section (process %d) left it suspended, the destination never started: the source VF %u of %s is resumed",
		    (int)d->pid, src->t->vfn, src->dev->path);
		return 0;
	case LM_VF_RUNNING:
		m->dead_past_return = true;
		fail_msg(m, "a migration of VF %u of %s (process %d) died after the destination VF %u of %s resumed",
			 src->t->vfn, src->dev->path, (int)d->pid, dst->t->vfn, dst->dev->path);
		return -EALREADY;
	default:
		fail_msg(m, "a migration of VF %u of %s (process %d) died in its stop section and left it suspended; whether the destination VF %u of %s runs cannot be told: check it (nvme lm info %s), then resume one of them",
			 src->t->vfn, src->dev->path, (int)d->pid, dst->t->vfn,
			 dst->dev->path, dst->dev->path);
		return -EIO;
	}
}

/* ---- preparation: everything checked before the guest notices ---- */

static int prepare(struct mig *m)
{
	const struct lm_mig_side *src = m->src, *dst = m->dst;
	struct lm_sf_ident id;
	char err[512];
	int ret;

	begin(m, LM_MIG_PREPARE);
	if (src->t->profile != dst->t->profile) {
		fail_msg(m, "the source speaks %s, the destination %s: a state cannot move between them",
			 lm_profile_name(src->t->profile), lm_profile_name(dst->t->profile));
		return -EINVAL;
	}
	lm_state_ident(src->t, NULL, 0, &id);
	ret = lm_check_compat(&id, dst->t, NULL, err, sizeof(err));
	if (!ret && src->t->profile == LM_PROFILE_TP4159 && !src->t->csvi) {
		snprintf(err, sizeof(err), "the source %s does not list NVMe controller state version %u in CNS 20h",
			 src->dev->path, LM_CS_NVME_VERSION);
		ret = -EINVAL;
	}
	if (!ret && src->t->profile == LM_PROFILE_TP4159 &&
	    !lm_formats_csvi(&dst->t->formats, LM_CS_NVME_VERSION)) {
		snprintf(err, sizeof(err), "the destination %s does not list NVMe controller state version %u in CNS 20h: it cannot take the state",
			 dst->dev->path, LM_CS_NVME_VERSION);
		ret = -EINVAL;
	}
	/*
	 * Both VFs are resumed by us, one of them with a loaded state (a
	 * remote destination's helper checked its own before it was ready).
	 */
	if (!ret && !dst->remote)
		ret = lm_check_vfio(dst->t, dst->dev->name, false, err, sizeof(err));
	if (!ret)
		ret = lm_check_vfio(src->t, src->dev->name, false, err, sizeof(err));
	if (!ret)
		ret = lm_mig_journal_open(&m->journal, src->dev->name, src->t->vfn,
					  &m->dead, err, sizeof(err));
	if (ret) {
		fail_msg(m, "%s", err);
		return ret;
	}
	ret = adopt_dead(m);
	if (ret)
		return ret;
	/* A device that cannot tell is given the benefit of the doubt. */
	if (src->t->profile == LM_PROFILE_TP4159 && ask_state(src) == LM_VF_SUSPENDED) {
		fail_msg(m, "the source VF %u of %s is suspended: nothing to migrate live (resume it, or save and restore it by hand)",
			 src->t->vfn, src->dev->path);
		return -EBUSY;
	}
	if (lm_state_buf_reserve(&m->state, LM_MIG_STATE_RESERVE)) {
		fail_msg(m, "out of memory for %u MiB of controller state",
			 LM_MIG_STATE_RESERVE >> 20);
		return -ENOMEM;
	}
	if (!m->o->shared) {
		ret = lm_copier_open(&m->copier, src->ns, dst->ns, err, sizeof(err));
		if (ret) {
			fail_msg(m, "%s", err);
			return ret;
		}
		m->copier_open = true;
		m->nsid = m->copier.nsid ? m->copier.nsid : 1;
	}
	/* The destination waits suspended, so the stop section need not. */
	ret = side_suspend(dst, false, err, sizeof(err));
	if (!ret)
		m->dst_suspended_by_us = true;
	else if (!lm_status_is_cmd(ret, LM_SC_CTRL_SUSPENDED)) {
		/* It may have happened all the same: the rollback settles it. */
		m->dst_suspended_by_us = outcome_unknown(ret);
		fail_msg(m, "cannot suspend the destination VF %u of %s: %s",
			 dst->t->vfn, dst->dev->path, err);
		return ret;
	}
	end(m);
	return 0;
}

/* ---- change logging, confirmed by the device ---- */

/* A new change queue with logging on, as the device confirms it. */
static int tracker_up(struct mig *m)
{
	char err[512];
	int ret;

	ret = lm_mig_tracker_start(&m->trk, m->src->dev, m->src->t,
				   m->o->entries, LM_MIG_FIRST_ENTRY_US, err, sizeof(err));
	if (ret) {
		fail_msg(m, "%s", err);
		return ret;
	}
	m->tracking = true;
	m->journal.rec.cdqid = m->trk.tr.cdqid;
	record(m);
	return 0;
}

static int start_tracking(struct mig *m)
{
	int ret;

	begin(m, LM_MIG_TRACK);
	ret = tracker_up(m);
	if (ret)
		return ret;
	m->r->logging_confirmed_by = m->trk.first_entry_seen ? "first-entry" : "completion";
	end(m);
	return 0;
}

/*
 * Tracking lost changes (queue full, a reset dropped the queue): start a
 * new queue and take the whole namespace as changed once more.
 */
static int restart_tracking(struct mig *m)
{
	char err[512];
	int ret;

	say(m, "change logging lost changes (%s): restarting it, the namespace is copied again",
	    m->trk.why);
	m->r->restarts++;
	lm_mig_tracker_end(&m->trk, err, sizeof(err));
	m->tracking = false;
	ret = tracker_up(m);
	if (ret)
		return ret;
	lm_chg_clear(&m->carry);
	return lm_chg_add_all(&m->carry, m->nsid);
}

static int full_copy(struct mig *m)
{
	struct lm_chg all = { 0 };
	int ret;

	begin(m, LM_MIG_FULL_COPY);
	ret = lm_chg_add_all(&all, m->nsid);
	if (!ret)
		ret = copy_round(m, &all, false);
	lm_chg_free(&all);
	if (ret)
		return ret;
	end(m);
	say(m, "full copy: %" PRIu64 " bytes in %.1f ms (%.0f MiB/s)", m->r->rounds[0].bytes,
	    m->r->rounds[0].us / 1000.0, m->r->copy_bps / 1048576);
	return 0;
}

/*
 * Whether what is left would be copied within the downtime limit, at the
 * rate of the last pre-copy round: scattered ranges copy far slower than
 * the full copy's long extents, so until one round has been timed only an
 * empty set (or one within --threshold) fits.
 */
static bool fits(const struct mig *m, uint64_t bytes, unsigned int rounds)
{
	if (bytes <= m->o->threshold)
		return true;
	return rounds && m->r->copy_bps > 0 &&
	       (double)bytes * 1e6 / m->r->copy_bps <= m->o->downtime_limit_us;
}

static int pre_copy(struct mig *m)
{
	struct lm_mig_report *r = m->r;
	uint64_t dirty0, t_prev, left, now;
	unsigned int round = 0;
	int ret;

	begin(m, LM_MIG_PRE_COPY);
	lm_mig_tracker_rate_mark(&m->trk, &dirty0);
	t_prev = mono_us();
	for (;;) {
		if (lm_signals_pending(&m->held)) {
			fail_msg(m, "interrupted");
			return -EINTR;
		}
		ret = lm_mig_tracker_take(&m->trk, &m->carry);
		if (ret) {
			fail_msg(m, "%s", m->trk.why);
			return ret;
		}
		if (m->trk.lost) {
			ret = restart_tracking(m);
			if (ret)
				return ret;
		}
		lm_chg_coalesce(&m->carry);
		left = chg_bytes(m, &m->carry);
		now = mono_us();
		if (now > t_prev) {
			uint64_t dirty;

			lm_mig_tracker_rate_mark(&m->trk, &dirty);
			r->dirty_bps = (double)(dirty - dirty0) * m->copier.lba_size * 1e6 /
				       (now - t_prev);
			dirty0 = dirty;
			t_prev = now;
		}
		if (fits(m, left, round)) {
			r->converged = true;
			break;
		}
		if (round >= m->o->max_rounds) {
			say(m, "not converged after %u rounds: %" PRIu64 " bytes left, guest writing %.1f MiB/s, copier %.1f MiB/s",
			    round, left, r->dirty_bps / 1048576, r->copy_bps / 1048576);
			if (m->o->on_no_converge == LM_MIG_ABORT) {
				fail_msg(m, "pre-copy did not converge in %u rounds: %" PRIu64 " bytes left; the guest dirties %.1f MiB/s, the copier moves %.1f MiB/s (--on-no-converge abort)",
					 round, left, r->dirty_bps / 1048576, r->copy_bps / 1048576);
				return -EAGAIN;
			}
			break;
		}
		drop_ranges_for_test(&m->carry);
		ret = copy_round(m, &m->carry, false);
		if (ret)
			return ret;
		lm_chg_clear(&m->carry);
		round++;
		say(m, "round %u: %" PRIu64 " bytes in %.1f ms", round,
		    r->rounds[r->nrounds - 1].bytes, r->rounds[r->nrounds - 1].us / 1000.0);
	}
	end(m);
	/* The queue must still exist before the source stops. */
	ret = lm_mig_tracker_check(&m->trk);
	if (ret) {
		fail_msg(m, "%s", m->trk.why);
		return ret;
	}
	return 0;
}

/* ---- the stop section ---- */

/* Save, then restore: a destination on another host, or intel-2022. */
static int move_state_in_turn(struct mig *m)
{
	const struct lm_mig_side *src = m->src, *dst = m->dst;
	struct lm_xfer_stats st;
	char err[512];
	int ret;

	begin(m, LM_MIG_SAVE);
	ret = lm_op_save_into(src->dev, src->t, &m->state, &st, NULL,
			      err, sizeof(err));
	if (ret) {
		fail_msg(m, "cannot save the source's state: %s", err);
		return ret;
	}
	m->r->state_bytes = m->state.len;
	end(m);

	begin(m, LM_MIG_RESTORE);
	m->dst_loaded = true;
	ret = side_restore(dst, m->state.p, m->state.len, err, sizeof(err));
	if (ret)
		fail_msg(m, "cannot load the state into the destination: %s", err);
	return ret;
}

/*
 * Both controllers here (TP4159): the destination's Set Controller State
 * chunks follow the source's Get Controller State chunks as they land
 * (lm-mig-state.c). The restore step starts at its first chunk.
 */
static int move_state(struct mig *m)
{
	const struct lm_mig_side *src = m->src, *dst = m->dst;
	struct lm_mig_report *r = m->r;
	struct lm_mig_state_result res;
	bool stopped;
	int ret;

	if (dst->remote || src->t->profile != LM_PROFILE_TP4159 ||
	    dst->t->profile != LM_PROFILE_TP4159)
		return move_state_in_turn(m);
	begin(m, LM_MIG_SAVE);
	ret = lm_mig_state_move(src->dev, src->t, dst->dev, dst->t, &m->state, &res);
	m->dst_loaded = res.restore_started;
	/* The report's phases show chunks that reached the destination. */
	if (res.restore_started) {
		r->steps[LM_MIG_RESTORE].run = true;
		r->steps[LM_MIG_RESTORE].start_us = res.restore_start_us - m->t0;
	}
	/* A restore that failed first stops the save: the restore is to blame. */
	stopped = res.save_ret == -ECANCELED && res.restore_ret;
	if (res.save_ret && !stopped) {
		fail_msg(m, "cannot save the source's state: %s", res.save_err);
		if (res.restore_started)
			r->steps[LM_MIG_RESTORE].end_us = r->steps[LM_MIG_SAVE].end_us;
		return ret;
	}
	if (!stopped)
		r->state_bytes = m->state.len;
	r->steps[LM_MIG_SAVE].end_us = res.save_end_us - m->t0;
	m->step = LM_MIG_RESTORE;
	if (!res.restore_started) {
		r->steps[LM_MIG_RESTORE].run = true;
		r->steps[LM_MIG_RESTORE].start_us = res.save_end_us - m->t0;
	}
	if (res.restore_ret)
		fail_msg(m, "cannot load the state into the destination: %s", res.restore_err);
	return ret;
}

static int stop_section(struct mig *m)
{
	const struct lm_mig_side *src = m->src, *dst = m->dst;
	char err[512];
	int ret;

	/* The tracker thread hands its queue to this one. */
	if (m->tracking) {
		ret = lm_mig_tracker_pause(&m->trk, &m->carry);
		if (ret) {
			fail_msg(m, "%s", m->trk.why);
			return ret;
		}
	}

	m->journal.rec.stop = true;
	record(m);
	begin(m, LM_MIG_SUSPEND);
	ret = side_suspend(src, m->tracking, err, sizeof(err));
	if (ret) {
		fail_msg(m, "cannot suspend the source: %s", err);
		return ret;
	}
	m->src_suspended = true;
	end(m);

	if (m->tracking) {
		begin(m, LM_MIG_DRAIN);
		ret = lm_mig_tracker_final(&m->trk, &m->carry, LM_MIG_FINAL_ENTRY_US);
		if (ret) {
			fail_msg(m, "%s", m->trk.why);
			return ret;
		}
		end(m);
		if (m->trk.lost) {
			m->r->changes_lost = true;
			lm_chg_clear(&m->carry);
			lm_chg_add_all(&m->carry, m->nsid);
		}
	} else if (!m->o->shared) {
		/* No tracking (intel-2022): stop and copy. */
		lm_chg_add_all(&m->carry, m->nsid);
	}

	if (!m->o->shared) {
		begin(m, LM_MIG_FINAL_COPY);
		lm_chg_coalesce(&m->carry);
		/*
		 * Flushed by the round itself; the copier (its threads, its NBD
		 * connections) is closed after the downtime, not inside it.
		 */
		ret = copy_round(m, &m->carry, true);
		if (ret)
			return ret;
		end(m);
	}

	ret = move_state(m);
	if (ret)
		return ret;
	/*
	 * The last moment to turn back: the source must still hold what was
	 * saved (a reset since would have thrown its queues away).
	 */
	if (src->t->profile == LM_PROFILE_TP4159 && ask_state(src) != LM_VF_SUSPENDED) {
		m->src_suspended = false;
		m->src_reset = true;
		fail_msg(m, "the source VF %u is no longer suspended (reset?): the saved state may be stale, the destination is not started",
			 src->t->vfn);
		return -ESTALE;
	}
	end(m);

	begin(m, LM_MIG_RESUME);
	ret = side_resume(dst, err, sizeof(err));
	/* Its completion was lost, but the device says it runs: it resumed. */
	if (ret && outcome_unknown(ret) && dst->t->profile == LM_PROFILE_TP4159 &&
	    ask_state(dst) == LM_VF_RUNNING) {
		say(m, "the destination's resume did not complete (%s), but it runs: going on", err);
		ret = 0;
	}
	if (ret) {
		fail_msg(m, "cannot resume the destination: %s", err);
		return ret;
	}
	m->dst_resumed = true;
	end(m);
	m->r->downtime_us = m->r->steps[LM_MIG_RESUME].end_us -
			    m->r->steps[LM_MIG_SUSPEND].start_us;
	return 0;
}

/*
 * The source reset after its state was saved: its guest's driver has
 * taken it up again there, and writes it makes now never reach the
 * destination. The destination, resumed with the stale state and not
 * handed over yet, is suspended again so that one VF serves the VM.
 */
static int source_came_back(struct mig *m)
{
	const struct lm_mig_side *src = m->src, *dst = m->dst;
	struct lm_mig_report *r = m->r;
	char err[256];

	r->failed_step = LM_MIG_RESUME;
	r->src_state = LM_VF_RUNNING;
	snprintf(r->error, sizeof(r->error),
		 "the source VF %u of %s runs again after the destination resumed (reset?): its guest goes on there, the destination's state is stale",
		 src->t->vfn, src->dev->path);
	if (side_suspend(dst, false, err, sizeof(err))) {
		r->outcome = LM_MIG_STOPPED;
		r->dst_state = ask_state(dst);
		snprintf(r->recovery, sizeof(r->recovery),
			 "both VFs run: the source VF %u of %s with the VM, the destination VF %u of %s with a stale state that could not be suspended (%s); do not hand the VM over; suspend the destination: nvme lm suspend %s --vf %u",
			 src->t->vfn, src->dev->path, dst->t->vfn, dst->dev->path, err,
			 dst->dev->path, dst->t->vfn);
		return -ESTALE;
	}
	r->outcome = LM_MIG_ROLLED_BACK;
	r->dst_state = ask_state(dst);
	snprintf(r->recovery, sizeof(r->recovery),
		 "rolled back: the source VF %u of %s runs and serves the VM again (it was reset: its guest may have seen it); the destination VF %u of %s is %s with a stale state: do not resume it",
		 src->t->vfn, src->dev->path, dst->t->vfn, dst->dev->path,
		 lm_vf_state_name(r->dst_state));
	return -ESTALE;
}

/* After the point of no return: is the destination really running? */
static int check_destination(struct mig *m)
{
	const struct lm_mig_side *dst = m->dst;

	if (dst->t->profile != LM_PROFILE_TP4159)
		return 0;
	m->r->dst_state = ask_state(dst);
	if (m->r->dst_state == LM_VF_RUNNING)
		return ask_state(m->src) == LM_VF_RUNNING ? source_came_back(m) : 0;
	m->r->outcome = LM_MIG_STOPPED;
	m->r->failed_step = LM_MIG_RESUME;
	snprintf(m->r->error, sizeof(m->r->error),
		 "the destination VF %u of %s reports %s after its resume completed",
		 dst->t->vfn, dst->dev->path, lm_vf_state_name(m->r->dst_state));
	snprintf(m->r->recovery, sizeof(m->r->recovery),
		 "the source VF %u of %s stays suspended with its state intact: check the destination (nvme lm info %s); to go back, reset the destination and resume the source (nvme lm resume %s --vf %u)",
		 m->src->t->vfn, m->src->dev->path, dst->dev->path,
		 m->src->dev->path, m->src->t->vfn);
	return -EIO;
}

static int handover(struct mig *m)
{
	char err[512];
	int ret;

	begin(m, LM_MIG_HANDOVER);
	ret = lm_handover_run(m->o->handover, m->o->handover_timeout_s, m->src,
			      m->dst, err, sizeof(err));
	if (ret) {
		fail_msg(m, "%s", err);
		m->r->outcome = LM_MIG_HANDOVER_FAILED;
		snprintf(m->r->recovery, sizeof(m->r->recovery),
			 "past the point of no return: the destination VF %u of %s runs with the VM's state, the source VF %u of %s stays suspended; finish the hand-over by hand (%s)",
			 m->dst->t->vfn, m->dst->dev->path, m->src->t->vfn,
			 m->src->dev->path, m->o->handover);
		return ret;
	}
	end(m);
	return 0;
}

int lm_migrate_run(const struct lm_mig_side *src, const struct lm_mig_side *dst,
		   const struct lm_mig_opts *o, struct lm_mig_report *r)
{
	struct mig m = { .src = src, .dst = dst, .o = o, .r = r };
	char err[512];
	int ret;

	memset(r, 0, sizeof(*r));
	r->failed_step = -1;
	r->src_state = LM_VF_RUNNING;
	r->dst_state = LM_VF_UNKNOWN;
	m.t0 = mono_us();
	r->t0_epoch_ms = epoch_ms();
	/*
	 * SIGINT/SIGTERM/SIGHUP wait: before the stop section they end the
	 * migration at the next round, within it they wait for its end. Threads
	 * started from here on inherit the mask.
	 */
	lm_signals_hold(&m.held);

	ret = prepare(&m);
	if (!ret && !o->shared && src->t->profile == LM_PROFILE_TP4159) {
		ret = start_tracking(&m);
		if (!ret)
			ret = full_copy(&m);
		if (!ret)
			ret = pre_copy(&m);
	}
	if (!ret)
		ret = stop_section(&m);
	if (ret) {
		rollback(&m);
	} else {
		r->outcome = LM_MIG_MIGRATED;
		r->src_state = LM_VF_SUSPENDED;
		r->dst_state = LM_VF_RUNNING;
		ret = check_destination(&m);
		if (!ret && o->handover)
			ret = handover(&m);
	}
	if (m.tracking && lm_mig_tracker_end(&m.trk, err, sizeof(err)) && !ret) {
		/* Migrated, but the old queue's memory could not be let go. */
		fprintf(stderr, "migrate: %s\n", err);
	}
	if (m.copier_open)
		lm_copier_close(&m.copier, err, sizeof(err));
	lm_mig_journal_close(&m.journal);
	lm_chg_free(&m.carry);
	free(m.state.p);
	r->total_us = mono_us() - m.t0;
	/* A signal that waited is taken here: the report is still to come. */
	if (lm_signals_pending(&m.held)) {
		struct timespec now = { 0, 0 };
		sigset_t set;

		r->interrupted = true;
		lm_signals_set(&set);
		while (sigtimedwait(&set, NULL, &now) > 0)
			;
	}
	lm_signals_release(&m.held);
	return ret;
}

void lm_mig_report_free(struct lm_mig_report *r)
{
	free(r->rounds);
	r->rounds = NULL;
}
