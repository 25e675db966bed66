// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lm-status.h"
#include "lm-tracker.h"

static bool is_invalid_cdq(int ret)
{
	return lm_status_is_cmd(ret, LM_SC_INVALID_CDQ);
}

/* Send c; on failure, "what for VF n: why" in err. */
static int submit(struct lm_tracker *tr, struct lm_cmd *c, uint32_t *result,
		  const char *what, char *err, size_t errlen)
{
	char why[320];
	int ret;

	ret = lm_dev_submit(tr->dev, c, result);
	if (ret) {
		lm_dev_error(why, sizeof(why), c, ret);
		snprintf(err, errlen, "%s for VF %u: %s", what, tr->t->vfn, why);
	}
	return ret;
}

/*
 * A command on the queue: one the device answers with Invalid Controller
 * Data Queue dropped the queue without a final entry (a reset): that is
 * tr->gone, no error.
 */
static int queue_cmd(struct lm_tracker *tr, struct lm_cmd *c, const char *what,
		     char *err, size_t errlen)
{
	int ret = submit(tr, c, NULL, what, err, errlen);

	if (is_invalid_cdq(ret)) {
		tr->gone = true;
		return 0;
	}
	return ret;
}

int lm_tracker_start(struct lm_tracker *tr, struct lm_dev *d,
		     const struct lm_target *t, uint32_t entries, char *err,
		     size_t errlen)
{
	uint32_t cdqid = 0;
	struct lm_cmd c;
	int ret;

	memset(tr, 0, sizeof(*tr));
	tr->dev = d;
	tr->t = t;
	ret = lm_cdq_mem_alloc(&tr->mem, entries, err, errlen);
	if (ret)
		return ret;
	lm_cdq_init(&tr->q, tr->mem.addr, entries);

	/* PC = 1: the memory is one page or one hugepage, nothing else. */
	lm_enc_cdq_create(&c, t->cntlid, LM_CDQ_QT_USER_DATA, true,
			  entries * (LM_CDQ_ENTRY_LEN / 4), tr->mem.addr);
	ret = submit(tr, &c, &cdqid, "cannot create the change queue", err, errlen);
	if (ret) {
		lm_cdq_mem_free(&tr->mem);
		return ret;
	}
	tr->cdqid = cdqid & 0xffff;
	tr->created = true;

	lm_enc_track_user_data(&c, tr->cdqid, LM_LACT_START);
	ret = submit(tr, &c, NULL, "cannot start logging", err, errlen);
	if (ret) {
		char ignore[320];

		lm_tracker_end(tr, ignore, sizeof(ignore));
		return ret;
	}
	return 0;
}

int lm_tracker_poll(struct lm_tracker *tr, struct lm_chg *chg,
		    unsigned int *n, char *err, size_t errlen)
{
	struct lm_cmd c;
	int ret;

	*n = 0;
	ret = lm_cdq_drain(&tr->q, chg);
	if (ret < 0) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	*n = ret;
	/* A queue that ended, or the device deleted: no head to hand back. */
	if (!*n || tr->q.end != LM_CDQ_RUNNING || tr->gone)
		return 0;
	lm_enc_cdq_set_head(&c, tr->cdqid, tr->q.head, false, 0);
	return queue_cmd(tr, &c, "cannot hand the change queue's head back", err, errlen);
}

int lm_tracker_probe(struct lm_tracker *tr, char *err, size_t errlen)
{
	uint8_t feat[8];
	struct lm_cmd c;

	lm_enc_cdq_get(&c, tr->cdqid, feat);
	return queue_cmd(tr, &c, "cannot read the change queue", err, errlen);
}

int lm_tracker_stop_logging(struct lm_tracker *tr, char *err, size_t errlen)
{
	struct lm_cmd c;

	lm_enc_track_user_data(&c, tr->cdqid, LM_LACT_STOP);
	return queue_cmd(tr, &c, "cannot stop logging", err, errlen);
}

int lm_tracker_end(struct lm_tracker *tr, char *err, size_t errlen)
{
	struct lm_cmd c;
	int ret = 0;

	if (tr->created && !tr->gone) {
		lm_enc_cdq_delete(&c, tr->cdqid);
		ret = submit(tr, &c, NULL, "cannot delete the change queue", err, errlen);
		/* Already gone after a suspend with DUDMQ: that is fine. */
		if (is_invalid_cdq(ret))
			ret = 0;
		/*
		 * The device may still write the queue: its memory stays
		 * mapped and locked until the process exits, never reused.
		 */
		if (ret) {
			snprintf(err + strlen(err), errlen - strlen(err),
				 "; its memory stays locked until exit");
			return ret;
		}
	}
	tr->created = false;
	lm_cdq_mem_free(&tr->mem);
	return 0;
}
