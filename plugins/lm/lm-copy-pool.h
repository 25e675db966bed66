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

/* One writer thread's argument: the pool, and which connection is its own. */
struct lm_copy_writer {
	struct lm_copy_pool *p;
	unsigned int id;
};

/* The next extent into *j; false when none is left or the copy failed. */
bool lm_copy_take(struct lm_copy_pool *p, struct lm_copy_job *j);
/* len more bytes are on the destination. */
void lm_copy_done(struct lm_copy_pool *p, uint64_t len);
/* The copy failed at byte off; the first failure is the one reported. */
void lm_copy_fail(struct lm_copy_pool *p, int err, uint64_t off, const char *why);

#endif /* LM_COPY_POOL_H */
