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

int lm_copier_open(struct lm_copier *c, const char *src, const char *dst,
		   char *err, size_t errlen)
{
	uint32_t slba, dlba;
	uint64_t sbytes, dbytes;
	struct stat ss, ds;
	int ret;

	memset(c, 0, sizeof(*c));
	c->dst = -1;
	c->src = open(src, O_RDONLY | O_CLOEXEC);
	if (c->src < 0) {
		snprintf(err, errlen, "cannot open source %s: %s", src, strerror(errno));
		return -errno;
	}
	c->dst = open(dst, O_WRONLY | O_CLOEXEC);
	if (c->dst < 0) {
		snprintf(err, errlen, "cannot open destination %s: %s", dst, strerror(errno));
		close(c->src);
		return -errno;
	}
	if (fstat(c->src, &ss) || fstat(c->dst, &ds)) {
		snprintf(err, errlen, "cannot stat %s or %s: %s", src, dst, strerror(errno));
		goto fail;
	}
	if (S_ISCHR(ss.st_mode) || S_ISCHR(ds.st_mode)) {
		snprintf(err, errlen,
			 "%s is a character device (an NVMe controller?), not a namespace: give the namespaces' block devices (/dev/nvmeXnY)",
			 S_ISCHR(ss.st_mode) ? src : dst);
		goto fail;
	}
	if ((S_ISBLK(ss.st_mode) && S_ISBLK(ds.st_mode) && ss.st_rdev == ds.st_rdev) ||
	    (ss.st_dev == ds.st_dev && ss.st_ino == ds.st_ino)) {
		snprintf(err, errlen, "%s and %s are the same namespace: nothing to copy onto itself",
			 src, dst);
		goto fail;
	}
	if (geometry(c->src, &slba, &sbytes) || geometry(c->dst, &dlba, &dbytes)) {
		snprintf(err, errlen, "cannot read the size of %s or %s", src, dst);
		goto fail;
	}
	if (slba != dlba || dbytes < sbytes) {
		snprintf(err, errlen,
			 "%s (%" PRIu64 " bytes, %u-byte LBAs) does not fit %s (%" PRIu64 " bytes, %u-byte LBAs)",
			 src, sbytes, slba, dst, dbytes, dlba);
		goto fail;
	}
	c->lba_size = slba;
	c->nlbas = sbytes / slba;
	/* Changes name namespaces by ID: copy only the source's own. */
	ret = ioctl(c->src, NVME_IOCTL_ID);
	c->nsid = ret > 0 ? (uint32_t)ret : 0;
	return 0;
fail:
	close(c->src);
	close(c->dst);
	return -EINVAL;
}

/* One piece of work: a byte extent; workers take them in turn. */
struct job {
	uint64_t off, len;
};

struct pool {
	struct lm_copier *c;
	struct job *jobs;
	size_t njobs, next;
	uint64_t done;		/* bytes of finished jobs */
	pthread_mutex_t lock;
	int err;
	uint64_t err_off;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	uint8_t *buf = NULL;
	struct job j;
	ssize_t n;
	uint64_t done;

	if (posix_memalign((void **)&buf, 4096, LM_COPY_MAX_IO))
		goto oom;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->err || p->next == p->njobs) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		j = p->jobs[p->next++];
		pthread_mutex_unlock(&p->lock);
		for (done = 0; done < j.len; done += n) {
			n = pread(p->c->src, buf, j.len - done, j.off + done);
			if (n > 0 && pwrite(p->c->dst, buf, n, j.off + done) != n)
				n = -1;
			if (n <= 0) {
				pthread_mutex_lock(&p->lock);
				if (!p->err) {
					p->err = n < 0 ? errno : EIO;
					p->err_off = j.off + done;
				}
				pthread_mutex_unlock(&p->lock);
				goto out;
			}
		}
		pthread_mutex_lock(&p->lock);
		p->done += j.len;
		lm_progress_update(p->c->progress, p->c->bytes + p->done);
		pthread_mutex_unlock(&p->lock);
	}
out:
	free(buf);
	return NULL;
oom:
	pthread_mutex_lock(&p->lock);
	p->err = ENOMEM;
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int add_extent(struct pool *p, size_t *cap, uint64_t off, uint64_t len)
{
	uint64_t n;
	struct job *nj;

	for (; len; off += n, len -= n) {
		n = len < LM_COPY_MAX_IO ? len : LM_COPY_MAX_IO;
		if (p->njobs == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			nj = realloc(p->jobs, *cap * sizeof(*nj));
			if (!nj)
				return -ENOMEM;
			p->jobs = nj;
		}
		p->jobs[p->njobs++] = (struct job){ off, n };
	}
	return 0;
}

int lm_copier_copy(struct lm_copier *c, const struct lm_chg *chg,
		   char *err, size_t errlen)
{
	struct pool p = { .c = c, .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t th[LM_COPY_THREADS];
	uint64_t bytes = 0;
	size_t cap = 0, i, nranges = 0;
	int nth, t, ret = 0;

	bool whole = false;

	for (i = 0; i < chg->nall; i++) {
		if (!c->nsid || chg->all[i] == c->nsid) {
			whole = true;
		} else {
			c->foreign++;
			c->foreign_nsid = chg->all[i];
		}
	}
	if (whole)
		ret = add_extent(&p, &cap, 0, c->nlbas * c->lba_size);
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
			free(p.jobs);
			return -ERANGE;
		}
		ret = add_extent(&p, &cap, r->slba * c->lba_size, r->nlb * c->lba_size);
		nranges++;
	}
	if (ret) {
		snprintf(err, errlen, "out of memory");
		free(p.jobs);
		return ret;
	}
	for (i = 0; i < p.njobs; i++)
		bytes += p.jobs[i].len;
	if (c->progress)
		lm_progress_total(c->progress, c->bytes + bytes);
	nth = p.njobs < LM_COPY_THREADS ? (int)p.njobs : LM_COPY_THREADS;
	for (t = 0; t < nth; t++)
		if (pthread_create(&th[t], NULL, worker, &p))
			break;
	nth = t;
	if (!nth && p.njobs)
		worker(&p);
	for (t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	free(p.jobs);
	if (p.err) {
		snprintf(err, errlen, "copy failed at byte %" PRIu64 ": %s", p.err_off,
			 strerror(p.err));
		return -p.err;
	}
	c->bytes += bytes;
	c->ranges += whole ? 1 : nranges;
	return 0;
}

int lm_copier_flush(struct lm_copier *c, char *err, size_t errlen)
{
	if (fsync(c->dst) && errno != EINVAL) {
		snprintf(err, errlen, "cannot flush the destination: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int lm_copier_close(struct lm_copier *c, char *err, size_t errlen)
{
	int ret = lm_copier_flush(c, err, errlen);

	close(c->src);
	close(c->dst);
	return ret;
}
