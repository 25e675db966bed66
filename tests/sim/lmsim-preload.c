// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD library that plays the kernel's NVMe driver for a simulated
 * host: /dev/nvmeX opens to a socket connected to lmsimd, whose admin
 * ioctls are forwarded there; /dev/nvmeXnY opens to the namespace's backing
 * file with block-device ioctls answered, and a read of the block an armed
 * write-after-read fault watches returns only once the daemon has made the
 * guest write it, and writes take no more than the PF's host-write-rate.
 * Everything else passes through.
 *
 * Environment: LMSIM_SOCKET (the daemon's socket; unset = pass through),
 * LMSIM_ADMIN_TIMEOUT_MS (default admin timeout, 60000 as Linux).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lmsim-io.h"
#include "lmsim-proto.h"

#define MAX_FD		65536
#define SIM_PREFIX	"/dev/nvme"

struct simfd {
	enum lmsim_kind kind;
	uint32_t instance;
	uint32_t nsid;
	uint64_t size;
	uint32_t lba_size;
	uint32_t seq;
	uint64_t watch_lba;	/* 1 + the watched block, 0 = none */
	uint64_t write_bps;	/* 0: writes as fast as the file takes them */
	uint64_t write_next_ns;	/* when the writes so far may have ended */
	pthread_mutex_t lock;
};

static struct simfd *fds[MAX_FD];
static pthread_mutex_t fds_lock = PTHREAD_MUTEX_INITIALIZER;

#define REAL(ret, name, args)						\
	static ret (*real_##name) args;					\
	static void resolve_##name(void)				\
	{								\
		if (!real_##name)					\
			real_##name = dlsym(RTLD_NEXT, #name);		\
	}

REAL(int, open, (const char *, int, ...))
REAL(int, open64, (const char *, int, ...))
REAL(int, openat, (int, const char *, int, ...))
REAL(int, openat64, (int, const char *, int, ...))
REAL(int, __open_2, (const char *, int))
REAL(int, __open64_2, (const char *, int))
REAL(int, __openat_2, (int, const char *, int))
REAL(int, __openat64_2, (int, const char *, int))
REAL(int, close, (int))
REAL(int, ioctl, (int, unsigned long, ...))
REAL(int, stat, (const char *, struct stat *))
REAL(int, lstat, (const char *, struct stat *))
REAL(int, fstat, (int, struct stat *))
REAL(int, fstatat, (int, const char *, struct stat *, int))
REAL(int, __xstat, (int, const char *, struct stat *))
REAL(int, __lxstat, (int, const char *, struct stat *))
REAL(int, __fxstat, (int, int, struct stat *))
REAL(int, __fxstatat, (int, int, const char *, struct stat *, int))
REAL(int, statx, (int, const char *, int, unsigned int, struct statx *))
REAL(ssize_t, read, (int, void *, size_t))
REAL(ssize_t, write, (int, const void *, size_t))
REAL(ssize_t, pwrite, (int, const void *, size_t, off_t))
REAL(ssize_t, pread, (int, void *, size_t, off_t))
REAL(ssize_t, preadv, (int, const struct iovec *, int, off_t))

__attribute__((constructor))
static void lmsim_preload_init(void)
{
	/*
	 * The daemon writes change-queue entries into this process's memory
	 * as a device would; let it, under Yama's ptrace restrictions.
	 */
	if (getenv("LMSIM_SOCKET"))
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
}

static bool is_sim_path(const char *path)
{
	return path && getenv("LMSIM_SOCKET") &&
	       !strncmp(path, SIM_PREFIX, strlen(SIM_PREFIX));
}

static struct simfd *sim_get(int fd)
{
	struct simfd *s = NULL;

	if (fd < 0 || fd >= MAX_FD)
		return NULL;
	pthread_mutex_lock(&fds_lock);
	s = fds[fd];
	pthread_mutex_unlock(&fds_lock);
	return s;
}

static int sim_connect(void)
{
	const char *path = getenv("LMSIM_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		resolve_close();
		real_close(s);
		errno = ENODEV;
		return -1;
	}
	return s;
}

/* Receive the reply header of an OPEN/STAT, and a descriptor if one came. */
static int recv_open_rep(int s, struct lmsim_open_rep *rep, int *passed)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { rep, sizeof(*rep) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*passed = -1;
	do {
		n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(*rep))
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(passed, CMSG_DATA(cm), sizeof(int));
	return 0;
}

/*
 * Open (or only look up) a simulated device. Returns the descriptor the
 * application gets, or -1 with errno.
 */
static int sim_open(const char *path, int flags, bool stat_only,
		    struct lmsim_open_rep *rep)
{
	struct lmsim_hdr h = {
		.magic = LMSIM_MAGIC,
		.type = stat_only ? LMSIM_STAT : LMSIM_OPEN,
		.len = strlen(path) + 1,
	};
	struct simfd *sf;
	int s, passed, fd;

	resolve_close();
	if (h.len > LMSIM_MAX_PATH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	s = sim_connect();
	if (s < 0)
		return -1;
	if (lmsim_full_io(s, &h, sizeof(h), true) ||
	    lmsim_full_io(s, (void *)path, h.len, true) ||
	    recv_open_rep(s, rep, &passed)) {
		real_close(s);
		errno = EIO;
		return -1;
	}
	if (rep->err) {
		if (passed >= 0)
			real_close(passed);
		real_close(s);
		errno = rep->err;
		return -1;
	}
	if (stat_only) {
		real_close(s);
		return 0;
	}
	if (rep->kind == LMSIM_KIND_NS) {
		real_close(s);
		if (passed < 0) {
			errno = EIO;
			return -1;
		}
		fd = passed;
		/* What the application asked for and fcntl can still set. */
		fcntl(fd, F_SETFL, flags & (O_APPEND | O_DIRECT | O_NONBLOCK));
		if (!(flags & O_CLOEXEC))
			fcntl(fd, F_SETFD, 0);
	} else {
		fd = s;
		if (!(flags & O_CLOEXEC))
			fcntl(fd, F_SETFD, 0);
	}
	if (fd >= MAX_FD) {
		real_close(fd);
		errno = EMFILE;
		return -1;
	}
	sf = calloc(1, sizeof(*sf));
	if (!sf) {
		real_close(fd);
		errno = ENOMEM;
		return -1;
	}
	sf->kind = rep->kind;
	sf->instance = rep->instance;
	sf->nsid = rep->nsid;
	sf->size = rep->size;
	sf->lba_size = rep->lba_size;
	sf->watch_lba = rep->watch_lba;
	sf->write_bps = rep->write_bps;
	pthread_mutex_init(&sf->lock, NULL);
	pthread_mutex_lock(&fds_lock);
	fds[fd] = sf;
	pthread_mutex_unlock(&fds_lock);
	return fd;
}

static void fill_stat(struct stat *st, enum lmsim_kind kind, uint32_t instance,
		      uint32_t nsid)
{
	memset(st, 0, sizeof(*st));
	st->st_uid = 0;
	st->st_gid = 0;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_dev = makedev(0, 5);
	st->st_ino = 0x4c4d0000u + instance * 64 + nsid;
	if (kind == LMSIM_KIND_CTRL) {
		st->st_mode = S_IFCHR | 0600;
		st->st_rdev = makedev(240, instance);
	} else {
		st->st_mode = S_IFBLK | 0660;
		st->st_rdev = makedev(259, instance * 64 + nsid);
	}
}

static int sim_stat_path(const char *path, struct stat *st)
{
	struct lmsim_open_rep rep;

	if (sim_open(path, 0, true, &rep))
		return -1;
	fill_stat(st, rep.kind, rep.instance, rep.nsid);
	return 0;
}

static int sim_stat_fd(struct simfd *sf, struct stat *st)
{
	fill_stat(st, sf->kind, sf->instance, sf->nsid);
	return 0;
}

/* ---- open ---- */

#define OPEN_BODY(realcall)						\
	do {								\
		mode_t mode = 0;					\
		if (flags & (O_CREAT | O_TMPFILE)) {			\
			va_list ap;					\
			va_start(ap, flags);				\
			mode = va_arg(ap, mode_t);			\
			va_end(ap);					\
		}							\
		if (is_sim_path(path)) {				\
			struct lmsim_open_rep rep;			\
			return sim_open(path, flags, false, &rep);	\
		}							\
		return realcall;					\
	} while (0)

int open(const char *path, int flags, ...)
{
	resolve_open();
	OPEN_BODY(real_open(path, flags, mode));
}

int open64(const char *path, int flags, ...)
{
	resolve_open64();
	OPEN_BODY(real_open64(path, flags, mode));
}

int openat(int dirfd, const char *path, int flags, ...)
{
	resolve_openat();
	OPEN_BODY(real_openat(dirfd, path, flags, mode));
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	resolve_openat64();
	OPEN_BODY(real_openat64(dirfd, path, flags, mode));
}

/* The _FORTIFY_SOURCE variants: no mode argument. */
#define OPEN2_BODY(name, realcall)					\
	do {								\
		struct lmsim_open_rep rep;				\
		if (is_sim_path(path))					\
			return sim_open(path, flags, false, &rep);	\
		resolve_##name();					\
		return realcall;					\
	} while (0)

int __open_2(const char *path, int flags)
{
	OPEN2_BODY(__open_2, real___open_2(path, flags));
}

int __open64_2(const char *path, int flags)
{
	OPEN2_BODY(__open64_2, real___open64_2(path, flags));
}

int __openat_2(int dirfd, const char *path, int flags)
{
	OPEN2_BODY(__openat_2, real___openat_2(dirfd, path, flags));
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	OPEN2_BODY(__openat64_2, real___openat64_2(dirfd, path, flags));
}

int close(int fd)
{
	struct simfd *sf = NULL;

	if (fd >= 0 && fd < MAX_FD) {
		pthread_mutex_lock(&fds_lock);
		sf = fds[fd];
		fds[fd] = NULL;
		pthread_mutex_unlock(&fds_lock);
	}
	if (sf) {
		pthread_mutex_destroy(&sf->lock);
		free(sf);
	}
	resolve_close();
	return real_close(fd);
}

/* ---- stat ---- */

int stat(const char *path, struct stat *st)
{
	if (is_sim_path(path))
		return sim_stat_path(path, st);
	resolve_stat();
	return real_stat(path, st);
}

int lstat(const char *path, struct stat *st)
{
	if (is_sim_path(path))
		return sim_stat_path(path, st);
	resolve_lstat();
	return real_lstat(path, st);
}

int fstat(int fd, struct stat *st)
{
	struct simfd *sf = sim_get(fd);

	if (sf)
		return sim_stat_fd(sf, st);
	resolve_fstat();
	return real_fstat(fd, st);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct simfd *sf;

	if (is_sim_path(path))
		return sim_stat_path(path, st);
	if ((flags & AT_EMPTY_PATH) && !*path && (sf = sim_get(dirfd)))
		return sim_stat_fd(sf, st);
	resolve_fstatat();
	return real_fstatat(dirfd, path, st, flags);
}

/* On x86_64, stat64 and stat are one structure. */
int stat64(const char *path, struct stat64 *st)
	__attribute__((alias("stat")));
int lstat64(const char *path, struct stat64 *st)
	__attribute__((alias("lstat")));
int fstat64(int fd, struct stat64 *st)
	__attribute__((alias("fstat")));
int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
	__attribute__((alias("fstatat")));

/* Binaries built against glibc before 2.33 call these. */
int __xstat(int ver, const char *path, struct stat *st)
{
	if (is_sim_path(path))
		return sim_stat_path(path, st);
	resolve___xstat();
	return real___xstat(ver, path, st);
}

int __lxstat(int ver, const char *path, struct stat *st)
{
	if (is_sim_path(path))
		return sim_stat_path(path, st);
	resolve___lxstat();
	return real___lxstat(ver, path, st);
}

int __fxstat(int ver, int fd, struct stat *st)
{
	struct simfd *sf = sim_get(fd);

	if (sf)
		return sim_stat_fd(sf, st);
	resolve___fxstat();
	return real___fxstat(ver, fd, st);
}

int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	if (is_sim_path(path))
		return sim_stat_path(path, st);
	resolve___fxstatat();
	return real___fxstatat(ver, dirfd, path, st, flags);
}

int __xstat64(int ver, const char *path, struct stat64 *st)
	__attribute__((alias("__xstat")));
int __lxstat64(int ver, const char *path, struct stat64 *st)
	__attribute__((alias("__lxstat")));
int __fxstat64(int ver, int fd, struct stat64 *st)
	__attribute__((alias("__fxstat")));
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st,
		 int flags) __attribute__((alias("__fxstatat")));

/* coreutils and newer programs ask with statx. */
int statx(int dirfd, const char *path, int flags, unsigned int mask,
	  struct statx *stx)
{
	struct simfd *sf = NULL;
	struct stat st;

	if (is_sim_path(path)) {
		if (sim_stat_path(path, &st))
			return -1;
	} else if ((flags & AT_EMPTY_PATH) && !*path && (sf = sim_get(dirfd))) {
		sim_stat_fd(sf, &st);
	} else {
		resolve_statx();
		return real_statx(dirfd, path, flags, mask, stx);
	}
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_mode = st.st_mode;
	stx->stx_nlink = st.st_nlink;
	stx->stx_blksize = st.st_blksize;
	stx->stx_ino = st.st_ino;
	stx->stx_rdev_major = major(st.st_rdev);
	stx->stx_rdev_minor = minor(st.st_rdev);
	stx->stx_dev_major = major(st.st_dev);
	stx->stx_dev_minor = minor(st.st_dev);
	return 0;
}

/* ---- reads: the write-after-read fault ---- */

/* Send one control line and wait for the daemon's answer. */
static void sim_ctl_line(const char *line)
{
	struct lmsim_hdr h = { .magic = LMSIM_MAGIC, .type = LMSIM_CTL,
			       .len = strlen(line) };
	char reply[256];
	int s = sim_connect();

	if (s < 0)
		return;
	if (!lmsim_full_io(s, &h, sizeof(h), true) &&
	    !lmsim_full_io(s, (void *)line, h.len, true) &&
	    !lmsim_full_io(s, &h, sizeof(h), false) && h.len < sizeof(reply))
		lmsim_full_io(s, reply, h.len, false);
	resolve_close();
	real_close(s);
}

/*
 * After a read of a namespace returned n bytes from off: when they cover
 * the watched block, the guest writes it now, once, before the reader sees
 * its data (which is the block as it was: a copier must learn of the write
 * from the change queue).
 */
static void after_read(int fd, off_t off, ssize_t n)
{
	struct simfd *sf = sim_get(fd);
	uint64_t lba, at;
	bool hit;

	if (!sf || sf->kind != LMSIM_KIND_NS || n <= 0)
		return;
	pthread_mutex_lock(&sf->lock);
	lba = sf->watch_lba;
	at = lba ? (lba - 1) * sf->lba_size : 0;
	hit = lba && at >= (uint64_t)off && at < (uint64_t)off + (uint64_t)n;
	if (hit)
		sf->watch_lba = 0;
	pthread_mutex_unlock(&sf->lock);
	if (hit)
		sim_ctl_line("write-after-read");
}

/* Only a watched descriptor pays for knowing where its read starts. */
static bool watched(int fd)
{
	struct simfd *sf = sim_get(fd);

	return sf && __atomic_load_n(&sf->watch_lba, __ATOMIC_RELAXED);
}

ssize_t read(int fd, void *buf, size_t len)
{
	off_t off = watched(fd) ? lseek(fd, 0, SEEK_CUR) : -1;
	ssize_t n;

	resolve_read();
	n = real_read(fd, buf, len);
	if (off >= 0)
		after_read(fd, off, n);
	return n;
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	resolve_pread();
	n = real_pread(fd, buf, len, off);
	after_read(fd, off, n);
	return n;
}

ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	ssize_t n;

	resolve_preadv();
	n = real_preadv(fd, iov, cnt, off);
	after_read(fd, off, n);
	return n;
}

/* On x86_64, off64_t and off_t are one type. */
ssize_t pread64(int fd, void *buf, size_t len, off64_t off)
	__attribute__((alias("pread")));
ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off64_t off)
	__attribute__((alias("preadv")));

/* ---- writes: a namespace no faster than its PF's host-write-rate ---- */

/* After n bytes were written to fd: wait until the rate allows them. */
static void throttle(int fd, ssize_t n)
{
	struct simfd *sf = sim_get(fd);
	struct timespec ts;
	uint64_t now, until;

	if (!sf || !sf->write_bps || n <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	pthread_mutex_lock(&sf->lock);
	if (sf->write_next_ns < now)
		sf->write_next_ns = now;
	sf->write_next_ns += (uint64_t)n * 1000000000ull / sf->write_bps;
	until = sf->write_next_ns;
	pthread_mutex_unlock(&sf->lock);
	ts = (struct timespec){ until / 1000000000ull, until % 1000000000ull };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	resolve_write();
	n = real_write(fd, buf, len);
	throttle(fd, n);
	return n;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n;

	resolve_pwrite();
	n = real_pwrite(fd, buf, len, off);
	throttle(fd, n);
	return n;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
	__attribute__((alias("pwrite")));

/* ---- ioctl ---- */

static uint32_t default_timeout_ms(void)
{
	const char *s = getenv("LMSIM_ADMIN_TIMEOUT_MS");

	return s ? strtoul(s, NULL, 0) : 60000;
}

static int wait_readable(int fd, int64_t deadline_ms)
{
	struct timespec ts;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t now, left;
	int n;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
		left = deadline_ms - now;
		if (left <= 0)
			return 0;
		n = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

/*
 * One admin command passed through to lmsimd, the kernel's way: data is
 * copied in before and out after; NVMe status is the return value; a
 * command that does not complete in time is abandoned and fails with EINTR,
 * as Linux does when it aborts a timed-out admin command. A late reply is
 * recognised by its sequence number and dropped.
 */
/* Send one request; its data inline unless the device may fetch it. */
static int send_req(int fd, struct simfd *sf, struct lmsim_admin_req *req)
{
	bool inline_data = lmsim_opc_to_dev(req->opcode) && req->data_len &&
			   !(req->xfer & LMSIM_REQ_DMA);
	struct lmsim_hdr h = { .magic = LMSIM_MAGIC, .type = LMSIM_ADMIN,
			       .rsvd = ++sf->seq };

	h.len = sizeof(*req) + (inline_data ? req->data_len : 0);
	if (lmsim_full_io(fd, &h, sizeof(h), true) ||
	    lmsim_full_io(fd, req, sizeof(*req), true) ||
	    (inline_data && lmsim_full_io(fd, (void *)(uintptr_t)req->addr,
					  req->data_len, true)))
		return -EIO;
	return 0;
}

/*
 * The reply to the last request, by its deadline; replies to commands we
 * gave up on are drained and skipped. Its data lands at addr.
 */
static int wait_rep(int fd, struct simfd *sf, int64_t deadline,
		    const struct lmsim_admin_req *req, struct lmsim_admin_rep *rep)
{
	struct lmsim_hdr h;
	char sink[4096];
	uint32_t left, n;

	for (;;) {
		if (wait_readable(fd, deadline) <= 0)
			return -EINTR;
		if (lmsim_full_io(fd, &h, sizeof(h), false) ||
		    h.magic != LMSIM_MAGIC || h.len < sizeof(*rep) ||
		    lmsim_full_io(fd, rep, sizeof(*rep), false))
			return -EIO;
		if (h.rsvd == sf->seq)
			break;
		for (left = h.len - sizeof(*rep); left; left -= n) {
			n = left < sizeof(sink) ? left : sizeof(sink);
			if (lmsim_full_io(fd, sink, n, false))
				return -EIO;
		}
	}
	if (rep->data_len > req->data_len || rep->data_len != h.len - sizeof(*rep))
		return -EIO;
	if (rep->data_len &&
	    lmsim_full_io(fd, (void *)(uintptr_t)req->addr, rep->data_len, false))
		return -EIO;
	return 0;
}

/*
 * One admin command passed through to lmsimd, the kernel's way: the device
 * moves the data itself (DMA), or it is copied in before and out after;
 * NVMe status is the return value; a command that does not complete in
 * time is abandoned and fails with EINTR, as Linux does when it aborts a
 * timed-out admin command. A late reply is recognised by its sequence
 * number and dropped.
 */
static int admin_passthru(int fd, struct simfd *sf, struct nvme_passthru_cmd64 *c,
			  uint64_t *result)
{
	uint32_t timeout = c->timeout_ms ? c->timeout_ms : default_timeout_ms();
	struct lmsim_admin_req req = {
		.opcode = c->opcode, .flags = c->flags, .nsid = c->nsid,
		.cdw2 = c->cdw2, .cdw3 = c->cdw3, .metadata = c->metadata,
		.addr = c->addr, .metadata_len = c->metadata_len,
		.data_len = c->data_len, .cdw10 = c->cdw10, .cdw11 = c->cdw11,
		.cdw12 = c->cdw12, .cdw13 = c->cdw13, .cdw14 = c->cdw14,
		.cdw15 = c->cdw15, .timeout_ms = timeout, .xfer = LMSIM_REQ_DMA,
	};
	struct lmsim_admin_rep rep;
	struct timespec ts;
	int64_t deadline;
	int ret;

	if (c->data_len && !c->addr) {
		errno = EFAULT;
		return -1;
	}
	if (c->data_len > LMSIM_MAX_PAYLOAD) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&sf->lock);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 + timeout;
	ret = send_req(fd, sf, &req);
	if (!ret)
		ret = wait_rep(fd, sf, deadline, &req, &rep);
	/* The device could not reach our memory: the data goes inline. */
	if (!ret && rep.err == LMSIM_ERR_NO_DMA) {
		req.xfer = 0;
		ret = send_req(fd, sf, &req);
		if (!ret)
			ret = wait_rep(fd, sf, deadline, &req, &rep);
	}
	if (!ret && rep.err)
		ret = -rep.err;
	pthread_mutex_unlock(&sf->lock);
	if (ret) {
		errno = -ret;
		return -1;
	}
	*result = rep.result;
	return rep.status;
}

static int ns_ioctl(struct simfd *sf, unsigned long req, void *arg)
{
	switch (req) {
	case BLKGETSIZE64:
		*(uint64_t *)arg = sf->size;
		return 0;
	case BLKGETSIZE:
		*(unsigned long *)arg = sf->size / 512;
		return 0;
	case BLKSSZGET:
		*(int *)arg = sf->lba_size;
		return 0;
	case BLKPBSZGET:
	case BLKIOMIN:
	case BLKIOOPT:
		*(unsigned int *)arg = sf->lba_size;
		return 0;
	case BLKBSZGET:
		*(int *)arg = 4096;
		return 0;
	case BLKROGET:
		*(int *)arg = 0;
		return 0;
	case BLKFLSBUF:
		return 0;
	case NVME_IOCTL_ID:
		return sf->nsid;
	default:
		errno = ENOTTY;
		return -1;
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	struct nvme_passthru_cmd64 c64;
	struct nvme_passthru_cmd *c32;
	struct simfd *sf = sim_get(fd);
	uint64_t result = 0;
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!sf) {
		resolve_ioctl();
		return real_ioctl(fd, req, arg);
	}
	if (sf->kind == LMSIM_KIND_NS)
		return ns_ioctl(sf, req, arg);

	switch (req) {
	case NVME_IOCTL_ADMIN64_CMD:
		ret = admin_passthru(fd, sf, arg, &result);
		if (ret >= 0)
			((struct nvme_passthru_cmd64 *)arg)->result = result;
		return ret;
	case NVME_IOCTL_ADMIN_CMD:
		c32 = arg;
		memset(&c64, 0, sizeof(c64));
		memcpy(&c64, c32, offsetof(struct nvme_passthru_cmd, result));
		ret = admin_passthru(fd, sf, &c64, &result);
		if (ret >= 0)
			c32->result = (uint32_t)result;
		return ret;
	default:
		/* A controller node has no namespace and takes no I/O here. */
		errno = ENOTTY;
		return -1;
	}
}
