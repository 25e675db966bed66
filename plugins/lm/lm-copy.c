// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lm-copy-nbd.h"
#include "lm-copy-pool.h"
#include "lm-copy.h"

/* LBA size and capacity of a block device, or of a file standing in for one. */
static int geometry(int fd, uint32_t *lba, uint64_t *bytes)
{
	struct stat st;
	int ss;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKSSZGET, &ss) || ioctl(fd, BLKGETSIZE64, bytes))
			return -errno;
		*lba = ss;
		return 0;
	}
	*lba = 512;
	*bytes = st.st_size;
	return 0;
}

int lm_copy_spec(const char *spec, char *src, char *dst, size_t len)
{
	const char *colon = strchr(spec, ':');

	if (!colon || colon == spec || !colon[1] || (size_t)(colon - spec) >= len ||
	    strlen(colon + 1) >= len)
		return -EINVAL;
	snprintf(src, len, "%.*s", (int)(colon - spec), spec);
	snprintf(dst, len, "%s", colon + 1);
	return 0;
}

/* Turn O_DIRECT on for an open descriptor; 0 or -1 (errno). */
static int direct_io(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_DIRECT);
}

/* The source: a namespace (or a file standing in for one), read only. */
static int open_source(struct lm_copier *c, const char *src, struct stat *st,
		       uint64_t *bytes, char *err, size_t errlen)
{
	int e;

	c->src = open(src, O_RDONLY | O_CLOEXEC);
	if (c->src < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open source %s: %s", src, strerror(e));
		return -e;
	}
	if (fstat(c->src, st) || geometry(c->src, &c->lba_size, bytes)) {
		e = errno;
		snprintf(err, errlen, "cannot read the size of %s: %s", src, strerror(e));
		goto fail;
	}
	if (S_ISCHR(st->st_mode)) {
		snprintf(err, errlen,
			 "%s is a character device (an NVMe controller?), not a namespace: give the namespaces' block devices (/dev/nvmeXnY)",
			 src);
		e = EINVAL;
		goto fail;
	}
	/*
	 * The guest writes the namespace through its VF, never through this
	 * host's page cache: a block cached here by an earlier read (the full
	 * copy's) would be copied stale in a later round. Block devices are
	 * read around the cache; the copier's buffers and extents are aligned.
	 */
	if (S_ISBLK(st->st_mode) && direct_io(c->src)) {
		e = errno;
		snprintf(err, errlen, "cannot read %s around the page cache (O_DIRECT): %s",
			 src, strerror(e));
		goto fail;
	}
	c->nlbas = *bytes / c->lba_size;
	return 0;
fail:
	close(c->src);
	c->src = -1;
	return -e;
}

/* A local destination: a block device or a file, checked against the source. */
static int open_local(struct lm_copier *c, const char *src, const char *dst,
		      const struct stat *ss, uint64_t sbytes, char *err, size_t errlen)
{
	uint32_t dlba;
	uint64_t dbytes;
	struct stat ds;
	int e;

	c->dst = open(dst, O_WRONLY | O_CLOEXEC);
	if (c->dst < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open destination %s: %s", dst, strerror(e));
		return -e;
	}
	if (fstat(c->dst, &ds) || geometry(c->dst, &dlba, &dbytes)) {
		e = errno;
		snprintf(err, errlen, "cannot read the size of %s: %s", dst, strerror(e));
		goto fail;
	}
	e = EINVAL;
	if (S_ISCHR(ds.st_mode)) {
		snprintf(err, errlen,
			 "%s is a character device (an NVMe controller?), not a namespace: give the namespaces' block devices (/dev/nvmeXnY)",
			 dst);
		goto fail;
	}
	if ((S_ISBLK(ss->st_mode) && S_ISBLK(ds.st_mode) && ss->st_rdev == ds.st_rdev) ||
	    (ss->st_dev == ds.st_dev && ss->st_ino == ds.st_ino)) {
		snprintf(err, errlen, "%s and %s are the same namespace: nothing to copy onto itself",
			 src, dst);
		goto fail;
	}
	if (c->lba_size != dlba || dbytes < sbytes) {
		snprintf(err, errlen,
			 "%s (%" PRIu64 " bytes, %u-byte LBAs) does not fit %s (%" PRIu64 " bytes, %u-byte LBAs)",
			 src, sbytes, c->lba_size, dst, dbytes, dlba);
		goto fail;
	}
	/*
	 * The destination VF reads the medium, not this cache: written around
	 * it, a flush has only the device's own cache left to write back.
	 */
	if (S_ISBLK(ds.st_mode) && direct_io(c->dst)) {
		e = errno;
		snprintf(err, errlen, "cannot write %s around the page cache (O_DIRECT): %s",
			 dst, strerror(e));
		goto fail;
	}
	return 0;
fail:
	close(c->dst);
	c->dst = -1;
	return -e;
}

static void *local_writer(void *arg);

/* The writers and their buffers, for the copier's whole life. */
static int start_crew(struct lm_copier *c, char *err, size_t errlen)
{
	int ret = -ENOMEM;

	c->crew = calloc(1, sizeof(*c->crew));
	if (c->crew)
		ret = c->nbd ? lm_copy_crew_start(c->crew, lm_copy_nbd_conns(c->nbd),
						  lm_copy_nbd_writer, 0) :
			       lm_copy_crew_start(c->crew, LM_COPY_THREADS,
						  local_writer, LM_COPY_MAX_IO);
	if (!ret)
		return 0;
	free(c->crew);
	c->crew = NULL;
	snprintf(err, errlen, "out of memory for the copier's buffers");
	if (c->nbd)
		lm_copy_nbd_close(c->nbd);
	else
		close(c->dst);
	return -ENOMEM;
}

int lm_copier_open(struct lm_copier *c, const char *src, const char *dst,
		   char *err, size_t errlen)
{
	uint64_t sbytes;
	struct stat ss;
	int ret;

	memset(c, 0, sizeof(*c));
	c->dst = -1;
	ret = open_source(c, src, &ss, &sbytes, err, errlen);
	if (ret)
		return ret;
	if (lm_copy_nbd_uri(dst))
		ret = lm_copy_nbd_open(&c->nbd, dst, c->lba_size, sbytes, err, errlen);
	else
		ret = open_local(c, src, dst, &ss, sbytes, err, errlen);
	if (!ret)
		ret = start_crew(c, err, errlen);
	if (ret) {
		close(c->src);
		return ret;
	}
	/* Changes name namespaces by ID: copy only the source's own. */
	ret = ioctl(c->src, NVME_IOCTL_ID);
	c->nsid = ret > 0 ? (uint32_t)ret : 0;
	return 0;
}

bool lm_copy_take(struct lm_copy_pool *p, struct lm_copy_job *j)
{
	bool got;

	pthread_mutex_lock(&p->lock);
	got = !p->err && p->next < p->njobs;
	if (got)
		*j = p->jobs[p->next++];
	pthread_mutex_unlock(&p->lock);
	return got;
}

void lm_copy_done(struct lm_copy_pool *p, uint64_t len)
{
	pthread_mutex_lock(&p->lock);
	p->done += len;
	lm_progress_update(p->c->progress, p->c->bytes + p->done);
	pthread_mutex_unlock(&p->lock);
}

void lm_copy_fail(struct lm_copy_pool *p, int err, uint64_t off, const char *why)
{
	pthread_mutex_lock(&p->lock);
	if (!p->err) {
		p->err = err ? err : EIO;
		p->err_off = off;
		snprintf(p->why, sizeof(p->why), "%s", why ? why : "");
	}
	pthread_mutex_unlock(&p->lock);
}

/* The writer of a local destination: pread, then pwrite, an extent at a time. */
static void *local_writer(void *arg)
{
	struct lm_copy_writer *w = arg;
	struct lm_copy_pool *p = w->p;
	struct lm_copy_job j;
	uint64_t done;
	ssize_t n;

	while (lm_copy_take(p, &j)) {
		for (done = 0; done < j.len; done += n) {
			n = pread(p->c->src, w->buf, j.len - done, j.off + done);
			if (n > 0 && pwrite(p->c->dst, w->buf, n, j.off + done) != n)
				n = -1;
			if (n <= 0) {
				lm_copy_fail(p, n < 0 ? errno : EIO, j.off + done, NULL);
				return NULL;
			}
		}
		lm_copy_done(p, j.len);
	}
	return NULL;
}

/* The work list lives in the crew and only grows: kept between copies. */
static int add_extent(struct lm_copy_pool *p, struct lm_copy_crew *cr,
		      uint64_t off, uint64_t len)
{
	struct lm_copy_job *nj;
	uint64_t n;
	size_t cap;

	for (; len; off += n, len -= n) {
		n = len < LM_COPY_MAX_IO ? len : LM_COPY_MAX_IO;
		if (p->njobs == cr->jobs_cap) {
			cap = cr->jobs_cap ? cr->jobs_cap * 2 : 256;
			nj = realloc(cr->jobs, cap * sizeof(*nj));
			if (!nj)
				return -ENOMEM;
			cr->jobs = p->jobs = nj;
			cr->jobs_cap = cap;
		}
		p->jobs[p->njobs++] = (struct lm_copy_job){ off, n };
	}
	return 0;
}

int lm_copier_copy(struct lm_copier *c, const struct lm_chg *chg,
		   char *err, size_t errlen)
{
	struct lm_copy_crew *cr = c->crew;
	struct lm_copy_pool p = { .c = c, .jobs = cr->jobs,
				  .lock = PTHREAD_MUTEX_INITIALIZER };
	size_t i, nranges = 0;
	uint64_t bytes = 0;
	bool whole = false;
	int ret = 0;

	for (i = 0; i < chg->nall; i++) {
		if (!c->nsid || chg->all[i] == c->nsid) {
			whole = true;
		} else {
			c->foreign++;
			c->foreign_nsid = chg->all[i];
		}
	}
	if (whole)
		ret = add_extent(&p, cr, 0, c->nlbas * c->lba_size);
	for (i = 0; i < chg->n && !ret && !whole; i++) {
		const struct lm_range *r = &chg->r[i];

		if (c->nsid && r->nsid != c->nsid) {
			c->foreign++;
			c->foreign_nsid = r->nsid;
			continue;
		}
		if (r->slba >= c->nlbas || r->nlb > c->nlbas - r->slba) {
			snprintf(err, errlen,
				 "range %" PRIu64 "+%" PRIu64 " lies beyond the source's %" PRIu64 " LBAs",
				 r->slba, r->nlb, c->nlbas);
			return -ERANGE;
		}
		ret = add_extent(&p, cr, r->slba * c->lba_size, r->nlb * c->lba_size);
		nranges++;
	}
	if (ret) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	for (i = 0; i < p.njobs; i++)
		bytes += p.jobs[i].len;
	if (c->progress)
		lm_progress_total(c->progress, c->bytes + bytes);
	if (p.njobs)
		lm_copy_crew_run(cr, &p);
	if (p.err) {
		snprintf(err, errlen, "copy failed at byte %" PRIu64 ": %s", p.err_off,
			 p.why[0] ? p.why : strerror(p.err));
		return -p.err;
	}
	c->bytes += bytes;
	c->ranges += whole ? 1 : nranges;
	return 0;
}

int lm_copier_flush(struct lm_copier *c, char *err, size_t errlen)
{
	if (c->nbd)
		return lm_copy_nbd_flush(c->nbd, err, errlen);
	if (fsync(c->dst) && errno != EINVAL) {
		snprintf(err, errlen, "cannot flush the destination: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int lm_copier_close(struct lm_copier *c, char *err, size_t errlen)
{
	int ret = lm_copier_flush(c, err, errlen);

	if (c->crew) {
		lm_copy_crew_stop(c->crew);
		free(c->crew);
		c->crew = NULL;
	}
	if (c->nbd) {
		lm_copy_nbd_close(c->nbd);
		c->nbd = NULL;
	}
	close(c->src);
	if (c->dst >= 0)
		close(c->dst);
	return ret;
}
