// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lm-copy-pool.h"
#include "lm-signals.h"

static void *crew_thread(void *arg)
{
	struct lm_copy_writer *w = arg;
	struct lm_copy_crew *cr = w->crew;
	uint64_t seen = 0;

	pthread_mutex_lock(&cr->lock);
	for (;;) {
		while (!cr->quit && cr->gen == seen)
			pthread_cond_wait(&cr->go, &cr->lock);
		if (cr->quit)
			break;
		seen = cr->gen;
		w->p = cr->batch;
		pthread_mutex_unlock(&cr->lock);
		cr->writer(w);
		pthread_mutex_lock(&cr->lock);
		if (!--cr->busy)
			pthread_cond_signal(&cr->idle);
	}
	pthread_mutex_unlock(&cr->lock);
	return NULL;
}

int lm_copy_crew_start(struct lm_copy_crew *cr, unsigned int n,
		       lm_copy_writer_fn writer, size_t buf_len)
{
	sigset_t all, old;
	unsigned int i;

	memset(cr, 0, sizeof(*cr));
	cr->writer = writer;
	pthread_mutex_init(&cr->lock, NULL);
	pthread_cond_init(&cr->go, NULL);
	pthread_cond_init(&cr->idle, NULL);
	if (n > LM_COPY_THREADS)
		n = LM_COPY_THREADS;
	if (!n)
		n = 1;
	for (i = 0; i < n; i++) {
		cr->w[i] = (struct lm_copy_writer){ .id = i, .crew = cr };
		if (!buf_len)
			continue;
		if (posix_memalign((void **)&cr->w[i].buf, 4096, buf_len)) {
			cr->w[i].buf = NULL;
			lm_copy_crew_stop(cr);
			return -ENOMEM;
		}
		/* Faulted in now, not during a copy. */
		memset(cr->w[i].buf, 0, buf_len);
	}
	/* Signals are the command's main thread's business. */
	lm_signals_set(&all);
	sigaddset(&all, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (cr->n = 0; cr->n < n; cr->n++)
		if (pthread_create(&cr->th[cr->n], NULL, crew_thread, &cr->w[cr->n]))
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

void lm_copy_crew_run(struct lm_copy_crew *cr, struct lm_copy_pool *p)
{
	if (!cr->n) {
		cr->w[0].p = p;
		cr->writer(&cr->w[0]);
		return;
	}
	pthread_mutex_lock(&cr->lock);
	cr->batch = p;
	cr->busy = cr->n;
	cr->gen++;
	pthread_cond_broadcast(&cr->go);
	while (cr->busy)
		pthread_cond_wait(&cr->idle, &cr->lock);
	cr->batch = NULL;
	pthread_mutex_unlock(&cr->lock);
}

void lm_copy_crew_stop(struct lm_copy_crew *cr)
{
	unsigned int i;

	pthread_mutex_lock(&cr->lock);
	cr->quit = true;
	pthread_cond_broadcast(&cr->go);
	pthread_mutex_unlock(&cr->lock);
	for (i = 0; i < cr->n; i++)
		pthread_join(cr->th[i], NULL);
	cr->n = 0;
	for (i = 0; i < LM_COPY_THREADS; i++) {
		free(cr->w[i].buf);
		cr->w[i].buf = NULL;
	}
	free(cr->jobs);
	cr->jobs = NULL;
	cr->jobs_cap = 0;
	pthread_cond_destroy(&cr->go);
	pthread_cond_destroy(&cr->idle);
	pthread_mutex_destroy(&cr->lock);
}
