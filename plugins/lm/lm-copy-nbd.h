/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An NBD export as the range copier's destination, written through libnbd:
 * nbd://host[:port]/export, nbd+unix:///export?socket=PATH, and their TLS
 * forms nbds:// and nbds+unix:// where libnbd was built with TLS. Without
 * libnbd at build time (LM_HAVE_LIBNBD unset in lm-config.h) an NBD URI is
 * refused with one line that says so.
 */
#ifndef LM_COPY_NBD_H
#define LM_COPY_NBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lm_copy_nbd;

/* Whether a destination names an NBD export (nbd:, nbds:, nbd+unix: ...). */
bool lm_copy_nbd_uri(const char *dst);

/*
 * Connect to the export and check it before anything is written: writable,
 * at least bytes long, and taking requests of lba_size bytes at lba_size
 * offsets (its minimum block size divides lba_size, its maximum is not
 * below it). More connections are opened when the server allows several
 * (multi-conn), for the copier's threads.
 */
int lm_copy_nbd_open(struct lm_copy_nbd **n, const char *uri, uint32_t lba_size,
		     uint64_t bytes, char *err, size_t errlen);
/* How many writer threads the export takes: one per connection. */
unsigned int lm_copy_nbd_conns(const struct lm_copy_nbd *n);
/* A writer thread: arg is a struct lm_copy_writer (lm-copy-pool.h). */
void *lm_copy_nbd_writer(void *arg);
/* Flush what was written (err NULL, errlen 0: no message). */
int lm_copy_nbd_flush(struct lm_copy_nbd *n, char *err, size_t errlen);
/* Disconnect and free. */
void lm_copy_nbd_close(struct lm_copy_nbd *n);

#endif /* LM_COPY_NBD_H */
