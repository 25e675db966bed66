/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The range copier's work list, shared by its writers: lm-copy.c plans the
 * extents and runs the threads, and each thread writes with its
 * destination's writer (a local file or block device in lm-copy.c, an NBD
 * export in lm-copy-nbd.c). Writers take extents in turn, say how many
 * bytes landed, and report the first failure; the others then stop.
 */
#ifndef LM_COPY_POOL_H
#define LM_COPY_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "lm-copy.h"

/* One piece of work: a byte extent of at most LM_COPY_MAX_IO. */
struct lm_copy_job {
	uint64_t off, len;
};

struct lm_copy_crew;

struct lm_copy_pool {
	struct lm_copier *c;
	struct lm_copy_job *jobs;
	size_t njobs, next;
	uint64_t done;		/* bytes written so far */
	pthread_mutex_t lock;
	int err;		/* the first failure's errno, 0 while none */
	uint64_t err_off;
	char why[256];		/* its words, or "" for strerror(err) */
};

/*
 * One writer thread's argument: the pool it works on now, which connection
 * is its own, and (local destinations) its I/O buffer.
 */
struct lm_copy_writer {
	struct lm_copy_pool *p;
	unsigned int id;
	uint8_t *buf;		/* LM_COPY_MAX_IO, aligned for O_DIRECT; or NULL */
	struct lm_copy_crew *crew;
};

/* A writer: takes extents from w->p until none is left, then returns. */
typedef void *(*lm_copy_writer_fn)(void *w);

/*
 * The copier's writer threads and their buffers, made once when the copier
 * opens and kept to its close: a copy in a migration's stop section starts
 * no thread and faults in no memory. Each copy is a batch the threads take
 * up together; the caller waits for the last of them.
 */
struct lm_copy_crew {
	pthread_t th[LM_COPY_THREADS];
	struct lm_copy_writer w[LM_COPY_THREADS];
	unsigned int n;			/* threads running (0: run inline) */
	lm_copy_writer_fn writer;
	pthread_mutex_t lock;
	pthread_cond_t go, idle;
	struct lm_copy_pool *batch;	/* the copy under way, or NULL */
	uint64_t gen;			/* batches handed out so far */
	unsigned int busy;		/* threads still on the batch */
	bool quit;
	struct lm_copy_job *jobs;	/* the work list, kept between copies */
	size_t jobs_cap;
};

/*
 * Start n writer threads (at most LM_COPY_THREADS), each with an I/O buffer
 * of buf_len bytes (0: none) touched now; 0 or -errno. Should no thread
 * start, copies run in the caller's thread.
 */
int lm_copy_crew_start(struct lm_copy_crew *cr, unsigned int n,
		       lm_copy_writer_fn writer, size_t buf_len);
/* Run one copy's pool on the crew and wait for every thread to finish it. */
void lm_copy_crew_run(struct lm_copy_crew *cr, struct lm_copy_pool *p);
/* End the threads and free what they held. */
void lm_copy_crew_stop(struct lm_copy_crew *cr);

/* The next extent into *j; false when none is left or the copy failed. */
bool lm_copy_take(struct lm_copy_pool *p, struct lm_copy_job *j);
/* len more bytes are on the destination. */
void lm_copy_done(struct lm_copy_pool *p, uint64_t len);
/* The copy failed at byte off; the first failure is the one reported. */
void lm_copy_fail(struct lm_copy_pool *p, int err, uint64_t off, const char *why);

#endif /* LM_COPY_POOL_H */
