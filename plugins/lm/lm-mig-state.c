// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lm-cmd.h"
#include "lm-ctrl-state.h"
#include "lm-mig-state.h"
#include "lm-policy.h"

enum lm_save_phase { LM_SAVE_RUNNING, LM_SAVE_DONE, LM_SAVE_FAILED };

struct lm_state_pipe {
	pthread_mutex_t lock;
	pthread_cond_t moved;
	struct lm_state_buf *b;
	uint64_t done, total;		/* bytes of the state in b, of total */
	enum lm_save_phase save;
	bool gave_up;			/* the restore failed: the save may stop */
	struct lm_dev *dd;
	struct lm_target *dt;
	struct lm_mig_state_result *res;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A chunk of the source's state is in: nonzero once the restore failed. */
static int landed(void *arg, uint64_t done, uint64_t total)
{
	struct lm_state_pipe *p = arg;
	int gave_up;

	pthread_mutex_lock(&p->lock);
	p->done = done;
	p->total = total;
	gave_up = p->gave_up;
	pthread_cond_signal(&p->moved);
	pthread_mutex_unlock(&p->lock);
	return gave_up;
}

/*
 * Until the bytes a chunk needs are in (the last chunk: the whole state,
 * checked); false when the save failed and nothing more may go out.
 */
static bool wait_for(struct lm_state_pipe *p, uint64_t end, bool last)
{
	bool go;

	pthread_mutex_lock(&p->lock);
	while (p->save == LM_SAVE_RUNNING && (last || p->done < end))
		pthread_cond_wait(&p->moved, &p->lock);
	go = p->save == LM_SAVE_DONE || (!last && p->save == LM_SAVE_RUNNING);
	pthread_mutex_unlock(&p->lock);
	return go;
}

static void restore(struct lm_state_pipe *p)
{
	struct lm_mig_state_result *res = p->res;
	struct lm_chunker it;
	struct lm_chunk ch;
	uint64_t total;
	bool failed;
	int ver = -1;

	pthread_mutex_lock(&p->lock);
	while (p->save == LM_SAVE_RUNNING && !p->total)
		pthread_cond_wait(&p->moved, &p->lock);
	total = p->total;
	failed = p->save == LM_SAVE_FAILED || !total;
	if (!failed)
		ver = lm_ctrl_state_peek_version(p->b->p, p->done);
	pthread_mutex_unlock(&p->lock);
	if (failed) {
		res->restore_ret = -ECANCELED;
		return;
	}
	/* The destination's CSVI for the version the first chunk names. */
	res->restore_ret = lm_pick_csvi_for(p->dt, p->dd->name, ver,
					    res->restore_err, sizeof(res->restore_err));
	if (res->restore_ret)
		return;
	if (lm_chunker_init(&it, total, p->dt->max_xfer)) {
		snprintf(res->restore_err, sizeof(res->restore_err),
			 "a state of %llu bytes cannot be sent in dwords",
			 (unsigned long long)total);
		res->restore_ret = -EINVAL;
		return;
	}
	while (lm_chunker_next(&it, &ch)) {
		bool last = ch.seqind == LM_SEQ_LAST || ch.seqind == LM_SEQ_ENTIRE;

		if (!wait_for(p, ch.offset + ch.len, last)) {
			res->restore_ret = -ECANCELED;
			break;
		}
		/* Whole and parsed now: it must be what the CSVI was picked for. */
		if (last && lm_ctrl_state_nvme_version(p->b->p, p->b->len) != ver) {
			snprintf(res->restore_err, sizeof(res->restore_err),
				 "the state's NVMe version changed between its first chunk and its end; the destination was not given the last chunk");
			res->restore_ret = -EPROTO;
			break;
		}
		if (!res->restore_started) {
			res->restore_started = true;
			res->restore_start_us = mono_us();
		}
		res->restore_ret = lm_op_restore_chunk(p->dd, p->dt, p->b->p, &ch,
						       &res->restore_st, res->restore_err,
						       sizeof(res->restore_err));
		if (res->restore_ret)
			break;
	}
}

static void *restorer(void *arg)
{
	struct lm_state_pipe *p = arg;

	restore(p);
	/* Failed on its own (not stopped by the save): the save need not go on. */
	pthread_mutex_lock(&p->lock);
	p->gave_up = p->res->restore_ret && p->res->restore_ret != -ECANCELED;
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int lm_mig_state_move(struct lm_dev *sd, const struct lm_target *st,
		      struct lm_dev *dd, struct lm_target *dt,
		      struct lm_state_buf *b, struct lm_mig_state_result *res)
{
	struct lm_state_pipe p = { .b = b, .dd = dd, .dt = dt, .res = res,
				   .save = LM_SAVE_RUNNING };
	pthread_t th;
	bool threaded;

	memset(res, 0, sizeof(*res));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.moved, NULL);
	b->landed = landed;
	b->arg = &p;
	threaded = !pthread_create(&th, NULL, restorer, &p);

	res->save_ret = lm_op_save_into(sd, st, b, &res->save_st, NULL,
					res->save_err, sizeof(res->save_err));
	res->save_end_us = mono_us();
	pthread_mutex_lock(&p.lock);
	p.done = b->len;
	p.total = b->len;
	p.save = res->save_ret ? LM_SAVE_FAILED : LM_SAVE_DONE;
	pthread_cond_broadcast(&p.moved);
	pthread_mutex_unlock(&p.lock);
	if (threaded)
		pthread_join(th, NULL);
	else
		restorer(&p);
	b->landed = NULL;
	b->arg = NULL;
	pthread_cond_destroy(&p.moved);
	pthread_mutex_destroy(&p.lock);
	if (res->save_ret == -ECANCELED && res->restore_ret)
		return res->restore_ret;	/* the save stopped for it */
	return res->save_ret ? res->save_ret : res->restore_ret;
}
