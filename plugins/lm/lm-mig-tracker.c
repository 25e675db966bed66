// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lm-mig-tracker.h"

/* How often the thread looks at the queue's memory: no command is sent. */
#define LOOK_NS		200000
/* How long a quiet queue goes before the thread asks that it still exists. */
#define PROBE_US	100000

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void nap(void)
{
	struct timespec ts = { 0, LOOK_NS };

	nanosleep(&ts, NULL);
}

/* Under lock: why the queue ended early. */
static void ended(struct lm_mig_tracker *m)
{
	const struct lm_cdq *q = &m->tr.q;

	if (m->tr.gone) {
		m->lost = true;
		snprintf(m->why, sizeof(m->why),
			 "the change queue vanished without a final entry (VF reset?)");
	} else if (lm_cdq_lost(q)) {
		m->lost = true;
		snprintf(m->why, sizeof(m->why), "%s", lm_cdq_end_name(q->end));
	} else {
		/* Suspended or stopped by someone else while the guest runs. */
		m->err = -EBUSY;
		snprintf(m->why, sizeof(m->why),
			 "change logging ended by itself (%s) while the migration was copying: another tool suspended the source or stopped logging",
			 lm_cdq_end_name(q->end));
	}
}

static void *drain_thread(void *arg)
{
	struct lm_mig_tracker *m = arg;
	struct lm_chg local = { 0 };
	uint64_t quiet_since = mono_us();
	char why[sizeof(m->why)];
	unsigned int n;
	int ret = 0;

	while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE)) {
		ret = lm_tracker_poll(&m->tr, &local, &n, why, sizeof(why));
		if (!ret && !n && mono_us() - quiet_since >= PROBE_US) {
			ret = lm_tracker_probe(&m->tr, why, sizeof(why));
			quiet_since = mono_us();
		}
		pthread_mutex_lock(&m->lock);
		if (!ret && (local.n || local.nall)) {
			m->dirty_blocks += lm_chg_blocks(&local);
			ret = lm_chg_merge(&m->pending, &local);
			if (ret)
				snprintf(why, sizeof(why), "out of memory");
		}
		if (ret) {
			m->err = ret;
			snprintf(m->why, sizeof(m->why), "%s", why);
		} else if (m->tr.gone || m->tr.q.end != LM_CDQ_RUNNING) {
			ended(m);
			ret = -1;
		}
		pthread_mutex_unlock(&m->lock);
		lm_chg_clear(&local);
		if (ret)
			break;
		if (n)
			quiet_since = mono_us();
		else
			nap();
	}
	lm_chg_free(&local);
	return NULL;
}

int lm_mig_tracker_start(struct lm_mig_tracker *m, const struct lm_dev *pf,
			 const struct lm_target *t, uint32_t entries,
			 uint64_t first_wait_us, char *err, size_t errlen)
{
	uint64_t until;
	unsigned int n;
	int ret;

	memset(m, 0, sizeof(*m));
	m->dev.fd = -1;
	pthread_mutex_init(&m->lock, NULL);
	/* The same command timeout as the engine's own handle. */
	m->dev.timeout_ms = pf->timeout_ms;
	ret = lm_dev_open(&m->dev, pf->path, err, errlen);
	if (ret)
		return ret;
	ret = lm_tracker_start(&m->tr, &m->dev, t, entries, err, errlen);
	if (ret) {
		lm_dev_close(&m->dev);
		return ret;
	}
	m->started = true;
	/*
	 * Track Send has completed: logging is on. A device that posts a
	 * first entry says so once more; the wait for it is short and the
	 * completion alone is enough.
	 */
	until = mono_us() + first_wait_us;
	do {
		ret = lm_tracker_poll(&m->tr, &m->pending, &n, err, errlen);
		if (ret)
			goto fail;
		if (m->tr.q.first_seen)
			break;
		nap();
	} while (mono_us() < until);
	m->first_entry_seen = m->tr.q.first_seen;
	m->dirty_blocks = lm_chg_blocks(&m->pending);
	if (pthread_create(&m->th, NULL, drain_thread, m)) {
		snprintf(err, errlen, "cannot start the tracker thread");
		ret = -EAGAIN;
		goto fail;
	}
	m->thread_running = true;
	return 0;
fail:
	lm_mig_tracker_end(m, err + strlen(err), errlen - strlen(err));
	return ret;
}

int lm_mig_tracker_take(struct lm_mig_tracker *m, struct lm_chg *into)
{
	int ret;

	pthread_mutex_lock(&m->lock);
	ret = lm_chg_merge(into, &m->pending);
	lm_chg_clear(&m->pending);
	if (ret) {
		m->err = ret;
		snprintf(m->why, sizeof(m->why), "out of memory");
	}
	ret = m->err;
	pthread_mutex_unlock(&m->lock);
	return ret;
}

void lm_mig_tracker_rate_mark(struct lm_mig_tracker *m, uint64_t *blocks)
{
	pthread_mutex_lock(&m->lock);
	*blocks = m->dirty_blocks;
	pthread_mutex_unlock(&m->lock);
}

int lm_mig_tracker_check(struct lm_mig_tracker *m)
{
	int ret;

	pthread_mutex_lock(&m->lock);
	ret = m->err ? m->err : m->lost ? -ENODATA : 0;
	pthread_mutex_unlock(&m->lock);
	return ret;
}

static void join(struct lm_mig_tracker *m)
{
	if (!m->thread_running)
		return;
	__atomic_store_n(&m->stop, 1, __ATOMIC_RELEASE);
	pthread_join(m->th, NULL);
	m->thread_running = false;
}

int lm_mig_tracker_pause(struct lm_mig_tracker *m, struct lm_chg *into)
{
	join(m);
	return lm_mig_tracker_take(m, into);
}

int lm_mig_tracker_final(struct lm_mig_tracker *m, struct lm_chg *into,
			 uint64_t timeout_us)
{
	uint64_t until = mono_us() + timeout_us;
	int n;

	/* Memory only: after a suspend with DUDMQ the queue is gone. */
	while (m->tr.q.end == LM_CDQ_RUNNING) {
		n = lm_cdq_drain(&m->tr.q, into);
		if (n < 0) {
			snprintf(m->why, sizeof(m->why), "out of memory");
			return n;
		}
		if (m->tr.q.end != LM_CDQ_RUNNING)
			break;
		if (mono_us() >= until) {
			m->lost = true;
			snprintf(m->why, sizeof(m->why),
				 "no final entry within %llu ms of the suspend: changes may be missing",
				 (unsigned long long)timeout_us / 1000);
			return 0;
		}
		if (!n)
			sched_yield();
	}
	if (m->tr.q.end != LM_CDQ_END_SUSPENDED) {
		m->lost = true;
		snprintf(m->why, sizeof(m->why), "%s", lm_cdq_end_name(m->tr.q.end));
	}
	return 0;
}

int lm_mig_tracker_end(struct lm_mig_tracker *m, char *err, size_t errlen)
{
	int ret = 0;

	join(m);
	if (m->started) {
		ret = lm_tracker_end(&m->tr, err, errlen);
		m->started = false;
	}
	lm_dev_close(&m->dev);
	lm_chg_free(&m->pending);
	return ret;
}
