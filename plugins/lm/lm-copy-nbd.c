// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NBD destinations for the range copier (lm-copy-nbd.h). Each writer thread
 * owns one connection and keeps LM_COPY_NBD_DEPTH writes in flight on it
 * with libnbd's asynchronous API (nbd_aio_pwrite, a completion callback per
 * write, nbd_poll), reading the next extent from the source while the
 * earlier ones travel. Several connections only where the server says that
 * a flush on one covers writes on all (multi-conn); otherwise one.
 *
 * Written against libnbd 1.14 (Debian 12): nothing newer is used.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if __has_include("plugins/lm/lm-config.h")
#include "plugins/lm/lm-config.h"
#endif

#include "lm-copy-nbd.h"
#include "lm-copy-pool.h"

bool lm_copy_nbd_uri(const char *dst)
{
	const char *end = strstr(dst, "://");
	size_t i;

	/* nbd, nbds, nbd+unix, nbds+vsock...: what libnbd's URIs start with. */
	if (strncmp(dst, "nbd", 3) || !end)
		return false;
	for (i = 3; dst + i < end; i++)
		if (!((dst[i] >= 'a' && dst[i] <= 'z') || dst[i] == '+'))
			return false;
	return true;
}

#ifdef LM_HAVE_LIBNBD

#include <libnbd.h>

/*
 * Writes in flight on one connection, and their size: 16 of 256 KiB
 * (4 MiB a connection) kept the copier at or above nbdcopy's throughput in
 * bench/nbd-copy.sh, where 4 of 1 MiB fell to 0.7 of it on a whole
 * namespace over TCP.
 */
#define LM_COPY_NBD_DEPTH	16
#define LM_COPY_NBD_IO		(256u << 10)

/* What a connection that died says, then libnbd's reason. */
#define LOST_CONNECTION	"lost the connection with writes in flight"

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_LANDED };

/* One write's buffer; the completion callback marks it landed. */
struct slot {
	uint8_t *buf;
	uint64_t off, len;
	enum slot_state state;
	int err;		/* the server's answer, 0 for success */
};

struct conn {
	struct nbd_handle *h;
	struct slot s[LM_COPY_NBD_DEPTH];
};

struct lm_copy_nbd {
	char *uri;
	unsigned int conns;
	bool multi_conn, can_flush;
	uint32_t max_io;	/* bytes in one write request */
	struct conn c[LM_COPY_THREADS];
};

/* "URI: what: libnbd's words", on one line whatever libnbd said. */
static void say(char *buf, size_t len, const char *uri, const char *what)
{
	const char *e = nbd_get_error();
	char *nl;

	if (!len)
		return;
	snprintf(buf, len, "%s: %s%s%s", uri, what, e ? ": " : "", e ? e : "");
	while ((nl = strchr(buf, '\n')))
		*nl = ' ';
}

static bool is_tls(const char *uri)
{
	return !strncmp(uri, "nbds", 4);
}

static struct nbd_handle *connect_one(const char *uri, char *err, size_t errlen)
{
	struct nbd_handle *h = nbd_create();

	if (!h) {
		say(err, errlen, uri, "cannot create a libnbd handle");
		return NULL;
	}
	if (!nbd_supports_uri(h)) {
		snprintf(err, errlen, "%s: this libnbd cannot read NBD URIs (built without libxml2)", uri);
		goto fail;
	}
	if (is_tls(uri) && !nbd_supports_tls(h)) {
		snprintf(err, errlen, "%s: this libnbd was built without TLS: use nbd:// or a libnbd with gnutls", uri);
		goto fail;
	}
	/*
	 * The URI is the user's own, from the command line: it may name a
	 * TLS key file (tls-psk-file=, tls-certificates=), which libnbd
	 * refuses by default for URIs from strangers.
	 */
	if (nbd_set_uri_allow_local_file(h, true) || nbd_connect_uri(h, uri)) {
		say(err, errlen, uri, "cannot connect");
		goto fail;
	}
	return h;
fail:
	nbd_close(h);
	return NULL;
}

/* What can be known before the first write, from the handshake. */
static int check_export(struct lm_copy_nbd *n, struct nbd_handle *h, uint32_t lba_size,
			uint64_t bytes, char *err, size_t errlen)
{
	int64_t size, min, max;

	if (nbd_is_read_only(h) == 1) {
		snprintf(err, errlen,
			 "%s is a read-only export: the copy writes to it; export it writable (nbdkit without -r, qemu-nbd without --read-only)",
			 n->uri);
		return -EROFS;
	}
	size = nbd_get_size(h);
	min = nbd_get_block_size(h, LIBNBD_SIZE_MINIMUM);
	max = nbd_get_block_size(h, LIBNBD_SIZE_MAXIMUM);
	if (size < 0 || min < 0 || max < 0) {
		say(err, errlen, n->uri, "cannot read the export's size");
		return -EIO;
	}
	if ((uint64_t)size < bytes) {
		snprintf(err, errlen,
			 "%s is %" PRId64 " bytes, smaller than the source (%" PRIu64 " bytes): export a destination at least as large",
			 n->uri, size, bytes);
		return -ENOSPC;
	}
	if (min && lba_size % min) {
		snprintf(err, errlen,
			 "%s takes writes in %" PRId64 "-byte blocks, which the source's %u-byte LBAs do not fill: export it with blocks of %u bytes or less",
			 n->uri, min, lba_size, lba_size);
		return -EINVAL;
	}
	if (max && max < lba_size) {
		snprintf(err, errlen,
			 "%s takes writes of at most %" PRId64 " bytes, less than one of the source's %u-byte LBAs",
			 n->uri, max, lba_size);
		return -EINVAL;
	}
	n->max_io = LM_COPY_NBD_IO;
	if (max && max < n->max_io)
		n->max_io = max / lba_size * lba_size;
	n->multi_conn = nbd_can_multi_conn(h) == 1;
	n->can_flush = nbd_can_flush(h) == 1;
	return 0;
}

static void free_conn(struct conn *cn)
{
	int i;

	nbd_close(cn->h);
	for (i = 0; i < LM_COPY_NBD_DEPTH; i++)
		free(cn->s[i].buf);
	memset(cn, 0, sizeof(*cn));
}

static void free_nbd(struct lm_copy_nbd *n)
{
	unsigned int i;

	for (i = 0; i < n->conns; i++)
		free_conn(&n->c[i]);
	free(n->uri);
	free(n);
}

/* Buffers live as long as the connection: a write in flight may use one. */
static int add_conn(struct lm_copy_nbd *n, struct nbd_handle *h)
{
	struct conn *cn = &n->c[n->conns];
	int i;

	cn->h = h;
	for (i = 0; i < LM_COPY_NBD_DEPTH; i++) {
		if (posix_memalign((void **)&cn->s[i].buf, 4096, n->max_io)) {
			free_conn(cn);
			return -ENOMEM;
		}
	}
	n->conns++;
	return 0;
}

int lm_copy_nbd_open(struct lm_copy_nbd **pn, const char *uri, uint32_t lba_size,
		     uint64_t bytes, char *err, size_t errlen)
{
	struct lm_copy_nbd *n = calloc(1, sizeof(*n));
	struct nbd_handle *h;
	char more[256];
	int ret;

	if (!n || !(n->uri = strdup(uri))) {
		free(n);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h = connect_one(uri, err, errlen);
	if (!h) {
		free_nbd(n);
		return -EIO;
	}
	ret = check_export(n, h, lba_size, bytes, err, errlen);
	if (!ret)
		ret = add_conn(n, h);
	else
		nbd_close(h);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	/* A server that refuses another connection still has the first. */
	while (!ret && n->multi_conn && n->conns < LM_COPY_THREADS &&
	       (h = connect_one(uri, more, sizeof(more)))) {
		if (add_conn(n, h))
			break;
	}
	if (ret) {
		free_nbd(n);
		return ret;
	}
	*pn = n;
	return 0;
}

unsigned int lm_copy_nbd_conns(const struct lm_copy_nbd *n)
{
	return n->conns;
}

static int landed(void *user_data, int *error)
{
	struct slot *s = user_data;

	s->err = *error;
	s->state = SLOT_LANDED;
	return 1;	/* retire the command: nothing more to ask of it */
}

/* Where a connection failed: the earliest write it still owed. */
static uint64_t owed_from(const struct conn *cn, uint64_t next)
{
	uint64_t off = next;
	int i;

	for (i = 0; i < LM_COPY_NBD_DEPTH; i++)
		if ((cn->s[i].state == SLOT_BUSY ||
		     (cn->s[i].state == SLOT_LANDED && cn->s[i].err)) && cn->s[i].off < off)
			off = cn->s[i].off;
	return off;
}

static void conn_fail(struct lm_copy_pool *p, struct conn *cn, uint64_t next,
		      const char *what)
{
	char why[256];
	int e = nbd_get_errno();

	say(why, sizeof(why), p->c->nbd->uri, what);
	lm_copy_fail(p, e ? e : EIO, owed_from(cn, next), why);
}

/*
 * Count the writes that landed; false after one that failed: refused by
 * the server, or cut off with the connection (libnbd then fails every
 * write in flight with ENOTCONN).
 */
static bool reap(struct lm_copy_pool *p, struct conn *cn, uint64_t next)
{
	const char *uri = p->c->nbd->uri;
	struct slot *bad = NULL;
	char why[256];
	int i;

	for (i = 0; i < LM_COPY_NBD_DEPTH; i++) {
		struct slot *s = &cn->s[i];

		if (s->state != SLOT_LANDED)
			continue;
		if (!s->err)
			lm_copy_done(p, s->len);
		else if (!bad || s->off < bad->off)
			bad = s;
	}
	if (bad) {
		if (nbd_aio_is_dead(cn->h) || nbd_aio_is_closed(cn->h))
			snprintf(why, sizeof(why),
				 "%s: " LOST_CONNECTION ": the server closed it",
				 uri);
		else
			snprintf(why, sizeof(why), "%s: the server failed the write: %s",
				 uri, strerror(bad->err));
		lm_copy_fail(p, bad->err, owed_from(cn, next), why);
	}
	for (i = 0; i < LM_COPY_NBD_DEPTH; i++)
		if (cn->s[i].state == SLOT_LANDED)
			cn->s[i].state = SLOT_FREE;
	return !bad;
}

/* A free slot, waiting for a write to land if all are in flight; or NULL. */
static struct slot *free_slot(struct lm_copy_pool *p, struct conn *cn, uint64_t next)
{
	int i;

	for (;;) {
		if (!reap(p, cn, next))
			return NULL;
		for (i = 0; i < LM_COPY_NBD_DEPTH; i++)
			if (cn->s[i].state == SLOT_FREE)
				return &cn->s[i];
		if (nbd_poll(cn->h, -1) < 0) {
			conn_fail(p, cn, next, LOST_CONNECTION);
			return NULL;
		}
	}
}

static int read_full(int fd, uint8_t *buf, uint64_t len, uint64_t off)
{
	uint64_t done;
	ssize_t n;

	for (done = 0; done < len; done += n) {
		n = pread(fd, buf + done, len - done, off + done);
		if (n <= 0)
			return n < 0 ? errno : EIO;
	}
	return 0;
}

void *lm_copy_nbd_writer(void *arg)
{
	struct lm_copy_writer *w = arg;
	struct lm_copy_pool *p = w->p;
	struct lm_copy_nbd *n = p->c->nbd;
	struct conn *cn = &n->c[w->id];
	struct lm_copy_job j = { 0 };
	struct slot *s;
	uint64_t len;
	int e;

	for (;;) {
		if (!j.len && !lm_copy_take(p, &j))
			break;
		s = free_slot(p, cn, j.off);
		if (!s)
			break;
		len = j.len < n->max_io ? j.len : n->max_io;
		e = read_full(p->c->src, s->buf, len, j.off);
		if (e) {
			lm_copy_fail(p, e, j.off, NULL);
			break;
		}
		s->off = j.off;
		s->len = len;
		s->state = SLOT_BUSY;
		if (nbd_aio_pwrite(cn->h, s->buf, len, j.off,
				   (nbd_completion_callback){ .callback = landed, .user_data = s },
				   0) < 0) {
			s->state = SLOT_FREE;
			conn_fail(p, cn, j.off, "cannot send a write");
			break;
		}
		j.off += len;
		j.len -= len;
		/* Move what the socket takes now, without waiting. */
		if (nbd_poll(cn->h, 0) < 0) {
			conn_fail(p, cn, j.off, LOST_CONNECTION);
			break;
		}
	}
	/* Every write sent must land (or the connection die) before we go. */
	while (nbd_aio_in_flight(cn->h) > 0 && !nbd_aio_is_dead(cn->h)) {
		if (nbd_poll(cn->h, -1) < 0) {
			conn_fail(p, cn, j.off, LOST_CONNECTION);
			break;
		}
	}
	reap(p, cn, j.off);
	return NULL;
}

int lm_copy_nbd_flush(struct lm_copy_nbd *n, char *err, size_t errlen)
{
	unsigned int i;

	if (!n->can_flush)
		return 0;
	/* With multi-conn a flush on one connection covers writes on all. */
	for (i = 0; i < (n->multi_conn ? 1 : n->conns); i++) {
		if (nbd_flush(n->c[i].h, 0)) {
			say(err, errlen, n->uri, "cannot flush the destination");
			return -EIO;
		}
	}
	return 0;
}

void lm_copy_nbd_close(struct lm_copy_nbd *n)
{
	unsigned int i;

	for (i = 0; i < n->conns; i++)
		nbd_shutdown(n->c[i].h, 0);
	free_nbd(n);
}

#else /* !LM_HAVE_LIBNBD */

int lm_copy_nbd_open(struct lm_copy_nbd **pn, const char *uri, uint32_t lba_size,
		     uint64_t bytes, char *err, size_t errlen)
{
	(void)pn, (void)lba_size, (void)bytes;
	snprintf(err, errlen,
		 "%s: this nvme was built without libnbd, so it cannot write to NBD exports: install libnbd-dev and rebuild",
		 uri);
	return -ENOTSUP;
}

/* Never reached: no lm_copy_nbd is ever opened. */
unsigned int lm_copy_nbd_conns(const struct lm_copy_nbd *n)
{
	(void)n;
	return 0;
}

void *lm_copy_nbd_writer(void *arg)
{
	(void)arg;
	return NULL;
}

int lm_copy_nbd_flush(struct lm_copy_nbd *n, char *err, size_t errlen)
{
	(void)n, (void)err, (void)errlen;
	return 0;
}

void lm_copy_nbd_close(struct lm_copy_nbd *n)
{
	(void)n;
}

#endif /* LM_HAVE_LIBNBD */
