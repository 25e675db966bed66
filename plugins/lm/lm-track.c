// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lm-cdq-mem.h"
#include "lm-profile.h"
#include "lm-status.h"
#include "lm-sysfs.h"
#include "lm-track.h"
#include "lm-tracker.h"

/* Room for one device error, as lm_dev_error writes it. */
#define LM_TRACK_ERR_LEN	384

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* lm_track_result.end for the queue's final entry. */
static const char *end_keyword(enum lm_cdq_end end)
{
	switch (end) {
	case LM_CDQ_END_STOPPED:	return "stopped";
	case LM_CDQ_END_SUSPENDED:	return "suspended";
	case LM_CDQ_END_FULL:		return "queue-full";
	case LM_CDQ_END_UNKNOWN:	return "unknown-final-entry";
	case LM_CDQ_RUNNING:		break;
	}
	return "error";
}

/* Once logging is stopped, how long the final entry may take to appear. */
#define LM_TRACK_FINAL_WAIT_MS	500

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Emit, copy and count one drained batch. */
static int flush_batch(const struct lm_track_opts *o, struct lm_chg *chg,
		       struct lm_track_result *r, char *err, size_t errlen)
{
	int ret;

	if (!chg->n && !chg->nall)
		return 0;
	lm_chg_coalesce(chg);
	if (lm_chg_write(o->out, o->fmt, chg)) {
		snprintf(err, errlen, "cannot write the changes: %s", strerror(errno));
		return -EIO;
	}
	if (o->copier) {
		ret = lm_copier_copy(o->copier, chg, err, errlen);
		if (ret)
			return ret;
	}
	r->ranges += chg->n + chg->nall;
	r->blocks += lm_chg_blocks(chg);
	lm_chg_clear(chg);
	return 0;
}

int lm_track_run(struct lm_dev *d, const struct lm_target *t,
		 const struct lm_track_opts *o, struct lm_track_result *r,
		 char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
	struct lm_chg chg = { 0 };
	uint32_t idle = 0;
	unsigned int n;
	bool stop_sent = false;
	uint64_t give_up = 0;
	struct lm_tracker tr;
	int ret, ret2;

	memset(r, 0, sizeof(*r));
	stop_requested = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = lm_tracker_start(&tr, d, t, o->entries, err, errlen);
	if (ret)
		goto out;
	if (o->truncate_late && ftruncate(fileno(o->out), 0) && errno != EINVAL) {
		snprintf(err, errlen, "cannot empty the change file: %s", strerror(errno));
		ret = -errno;
		goto out_end;
	}
	lm_chg_write_header(o->out, o->fmt);

	for (;;) {
		ret = lm_tracker_poll(&tr, &chg, &n, err, errlen);
		if (ret)
			break;
		r->entries += n;
		ret = flush_batch(o, &chg, r, err, errlen);
		if (ret || tr.q.end != LM_CDQ_RUNNING)
			break;
		if (n) {
			idle = 0;
		} else if (++idle * o->interval_ms >= 500) {
			/* Quiet: make sure the queue still exists. */
			idle = 0;
			ret = lm_tracker_probe(&tr, err, errlen);
			if (ret)
				break;
		}
		if (tr.gone) {
			/* A reset dropped it without a final entry. */
			r->lost = true;
			r->end = "vanished";
			r->why = "the change queue vanished (VF reset?)";
			break;
		}
		if (stop_requested && !stop_sent) {
			stop_sent = true;
			r->interrupted = true;
			give_up = now_ms() + LM_TRACK_FINAL_WAIT_MS;
			ret = lm_tracker_stop_logging(&tr, err, errlen);
			if (ret)
				break;
		}
		/*
		 * A clock, not a count of quiet polls: the queue probe above
		 * resets the idle count, and must not keep us waiting.
		 */
		if (stop_sent && now_ms() >= give_up) {
			/* No final entry: what came before it is unknown. */
			r->lost = true;
			r->end = "no-final-entry";
			r->why = "no final entry within 500 ms of stopping: changes may be missing";
			break;
		}
		/*
		 * While entries keep coming, look again at once: a busy guest
		 * must not fill the queue between two looks. Quiet, wait.
		 */
		if (!n)
			sleep_ms(o->interval_ms);
	}
	if (lm_cdq_lost(&tr.q)) {
		r->lost = true;
		r->end = end_keyword(tr.q.end);
		r->why = lm_cdq_end_name(tr.q.end);
	} else if (!r->why) {
		r->end = tr.q.end != LM_CDQ_RUNNING ? end_keyword(tr.q.end) :
			 r->interrupted ? "interrupted" : "error";
		r->why = tr.q.end != LM_CDQ_RUNNING ? lm_cdq_end_name(tr.q.end) :
			 r->interrupted ? "interrupted" : "error";
	}
out_end:
	{
		char why[LM_TRACK_ERR_LEN];

		ret2 = lm_tracker_end(&tr, why, sizeof(why));
		if (ret2 && !ret) {
			snprintf(err, errlen, "%s", why);
			ret = ret2;
		}
	}
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	lm_chg_free(&chg);
	return ret;
}

int lm_track_check(const struct lm_target *t, const char *devname,
		   const struct lm_hugepages *hp, bool force, uint64_t *entries,
		   char *err, size_t errlen)
{
	char type[32] = "";

	if (t->profile != LM_PROFILE_TP4159) {
		snprintf(err, errlen, "the %s profile has no change tracking",
			 lm_profile_name(t->profile));
		return -EOPNOTSUPP;
	}
	/* One page, or one hugepage if one is free, within MDTS. */
	if (!*entries)
		*entries = lm_cdq_mem_max_entries(hp, t->max_xfer);
	/* The queue's memory is handed over in the create command itself. */
	if (*entries * 32 > t->max_xfer) {
		snprintf(err, errlen,
			 "--entries %llu needs %llu bytes, more than %s takes in one command (MDTS, %u bytes): use at most %u",
			 (unsigned long long)*entries, (unsigned long long)*entries * 32, devname,
			 t->max_xfer, t->max_xfer / 32);
		return -EINVAL;
	}
	if (!(t->pf.trattr & LM_TRATTR_TUDCS)) {
		snprintf(err, errlen, "%s does not track user data changes (TRATTR.TUDCS is clear)",
			 devname);
		return -EOPNOTSUPP;
	}
	if (!force && (!*t->pf_addr ||
		       lm_sysfs_iommu_type(t->pf_addr, type, sizeof(type)) ||
		       strcmp(type, "identity"))) {
		snprintf(err, errlen,
			 "the PF's IOMMU group is %s, not identity: the kernel unmaps a passthrough buffer when its command completes, so the device could not keep writing the change queue; boot with iommu=pt (or set the group's type to identity), or pass --force if the mapping is known to stay",
			 *type ? type : "unknown (no sysfs entry)");
		return -EPERM;
	}
	return 0;
}
