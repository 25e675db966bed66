/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The range copier: moves changed LBA ranges from a source namespace to a
 * destination (block devices, or files standing in for them, or an NBD
 * export named by its URI: lm-copy-nbd.h), in large aligned requests,
 * several in flight.
 */
#ifndef LM_COPY_H
#define LM_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "lm-progress.h"
#include "lm-ranges.h"

#define LM_COPY_MAX_IO		(1u << 20)
#define LM_COPY_THREADS		4

struct lm_copy_nbd;
struct lm_copy_crew;

struct lm_copier {
	int src, dst;		/* dst is -1 when the destination is NBD */
	struct lm_copy_nbd *nbd;	/* the NBD destination, or NULL */
	uint32_t nsid;		/* the source's namespace ID; 0: unknown, take all */
	uint32_t lba_size;
	uint64_t nlbas;		/* of the source */
	uint64_t bytes;		/* copied so far */
	uint64_t ranges;
	uint64_t foreign;	/* ranges of other namespaces, not copied */
	struct lm_progress *progress;	/* where to show it, or NULL */
	uint32_t foreign_nsid;	/* one of them, for messages */
	struct lm_copy_crew *crew;	/* its writer threads (lm-copy-pool.h) */
};

int lm_copier_open(struct lm_copier *c, const char *src, const char *dst,
		   char *err, size_t errlen);
/* Copy every range of a coalesced set; "all LBAs" namespaces whole. */
int lm_copier_copy(struct lm_copier *c, const struct lm_chg *chg,
		   char *err, size_t errlen);
/*
 * fsync the destination (an NBD flush for an NBD export): what was copied
 * is on the device, not only in the host's cache (a VF reads the medium,
 * not this host's page cache).
 */
int lm_copier_flush(struct lm_copier *c, char *err, size_t errlen);
/* Flush the destination, then close both. */
int lm_copier_close(struct lm_copier *c, char *err, size_t errlen);

/* "SRC:DST" into two paths; 0 or -EINVAL. */
int lm_copy_spec(const char *spec, char *src, char *dst, size_t len);

#endif /* LM_COPY_H */
