// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm-file.h"

ssize_t lm_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += n;
	}
	return done;
}

ssize_t lm_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += n;
	}
	return done;
}

int lm_read_all(int fd, void **buf, size_t *len, size_t max, char *err,
		size_t errlen)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *p = NULL, *np;
	ssize_t r;

	for (;;) {
		if (!p || n == cap) {
			if (p)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			np = realloc(p, cap);
			if (!np) {
				free(p);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			p = np;
		}
		r = lm_read_full(fd, p + n, cap - n);
		if (r < 0) {
			snprintf(err, errlen, "read failed: %s", strerror(errno));
			free(p);
			return -EIO;
		}
		n += r;
		if (n > max) {
			snprintf(err, errlen, "input larger than %zu bytes", max);
			free(p);
			return -EFBIG;
		}
		if (n < cap)
			break;
	}
	*buf = p;
	*len = n;
	return 0;
}

int lm_atomic_open(struct lm_atomic *a, const char *path, bool replace)
{
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->replace = replace;
	if (!strcmp(path, "-")) {
		a->fd = STDOUT_FILENO;
		return 0;
	}
	a->path = strdup(path);
	if (!a->path || asprintf(&a->tmp, "%s.tmp.XXXXXX", path) < 0) {
		a->tmp = NULL;
		lm_atomic_abort(a);
		errno = ENOMEM;
		return -1;
	}
	a->fd = mkstemp(a->tmp);
	if (a->fd < 0) {
		int err = errno;

		free(a->tmp);
		a->tmp = NULL;
		lm_atomic_abort(a);
		errno = err;
		return -1;
	}
	/*
	 * mkstemp's 0600 is kept on purpose: a controller state holds queue
	 * addresses of a guest and should not be world-readable by default.
	 */
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int dfd;

	if (!copy)
		return;
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(copy);
}

/*
 * rename() that never replaces: renameat2's RENAME_NOREPLACE, or, where the
 * file system lacks it, a hard link (which fails on an existing name) and
 * the removal of the temporary name.
 */
static int rename_noreplace(const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
	if (!renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (link(from, to))
		return -1;
	unlink(from);
	return 0;
}

int lm_atomic_commit(struct lm_atomic *a)
{
	int err = 0;

	if (!a->tmp) {
		/* stdout: a pipe cannot be fsync'ed, a regular file can. */
		if (fsync(a->fd) && errno != EINVAL && errno != EROFS)
			err = errno;
		a->fd = -1;
		goto out;
	}
	if (fsync(a->fd))
		err = errno;
	if (close(a->fd) && !err)
		err = errno;
	a->fd = -1;
	if (!err && (a->replace ? rename(a->tmp, a->path) :
		     rename_noreplace(a->tmp, a->path)))
		err = errno;
	if (!err) {
		fsync_dir_of(a->path);
		free(a->tmp);
		a->tmp = NULL;
	}
out:
	lm_atomic_abort(a);
	errno = err;
	return err ? -1 : 0;
}

void lm_atomic_abort(struct lm_atomic *a)
{
	if (a->tmp) {
		if (a->fd >= 0)
			close(a->fd);
		unlink(a->tmp);
		free(a->tmp);
		a->tmp = NULL;
	}
	a->fd = -1;
	free(a->path);
	a->path = NULL;
}
