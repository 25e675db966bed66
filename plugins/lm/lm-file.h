/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File I/O that survives short transfers, signals and interruption. */
#ifndef LM_FILE_H
#define LM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Loop until len bytes moved. Return len, less only at EOF, or -1 (errno). */
ssize_t lm_read_full(int fd, void *buf, size_t len);
ssize_t lm_write_full(int fd, const void *buf, size_t len);

/*
 * Read everything up to EOF, for inputs with no header to size them; more
 * than max bytes is an error. On success *buf is malloc'ed.
 */
int lm_read_all(int fd, void **buf, size_t *len, size_t max, char *err,
		size_t errlen);

/*
 * An output that appears under its name only once complete: a temporary
 * file in the same directory, fsync'ed and renamed over path on commit, and
 * removed on abort. path "-" is stdout, written directly.
 */
struct lm_atomic {
	int fd;
	char *path;
	char *tmp;
	bool replace;		/* commit may replace an existing path */
};

/*
 * replace false: commit fails with EEXIST rather than replace a file that
 * exists by then (a saved state may be the only copy of a device's state).
 */
int lm_atomic_open(struct lm_atomic *a, const char *path, bool replace);
int lm_atomic_commit(struct lm_atomic *a);
void lm_atomic_abort(struct lm_atomic *a);

#endif /* LM_FILE_H */
