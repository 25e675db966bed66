// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The range copier without a device: which destinations are NBD URIs,
 * SRC:DST with a URI, ranges copied between two files by the thread pool
 * (and nothing else touched), the writer threads made once at open and
 * kept for every copy (a migration's final copy starts none), and an NBD
 * URI refused in one line by a build without libnbd (the unit tests are
 * built without it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "lm-copy-nbd.h"
#include "lm-copy.h"
#include "unit.h"

static void test_uri(void)
{
	CHECK(lm_copy_nbd_uri("nbd://host/export"));
	CHECK(lm_copy_nbd_uri("nbd://10.0.0.2:10809/"));
	CHECK(lm_copy_nbd_uri("nbds://user@host/e?tls-psk-file=k.psk"));
	CHECK(lm_copy_nbd_uri("nbd+unix:///e?socket=/run/nbd.sock"));
	CHECK(lm_copy_nbd_uri("nbds+unix:///?socket=s"));
	CHECK(lm_copy_nbd_uri("nbd+vsock:///"));
	/* Schemes libnbd does not know are its to refuse, with its words. */
	CHECK(lm_copy_nbd_uri("nbd+tcp://host/"));
	CHECK(!lm_copy_nbd_uri("/dev/nvme1n1"));
	CHECK(!lm_copy_nbd_uri("nbd.img"));
	CHECK(!lm_copy_nbd_uri("nbd:/x"));
	CHECK(!lm_copy_nbd_uri("nbd-1://x"));
	CHECK(!lm_copy_nbd_uri("dir/nbd://x"));
	CHECK(!lm_copy_nbd_uri("file:///x"));
	CHECK(!lm_copy_nbd_uri(""));
}

static void test_spec_uri(void)
{
	char s[128], d[128];

	CHECK_EQ(lm_copy_spec("/dev/nvme0n1:nbd://10.0.0.2:10809/vf1", s, d, sizeof(s)), 0);
	CHECK_STR(s, "/dev/nvme0n1");
	CHECK_STR(d, "nbd://10.0.0.2:10809/vf1");
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int make_file(char *path, size_t len, int fill)
{
	int fd = mkstemp(path);
	char *buf = malloc(len);
	size_t i;

	if (fd < 0 || !buf) {
		free(buf);
		return -1;
	}
	for (i = 0; i < len; i++)
		buf[i] = fill < 0 ? (char)(i * 7 + i / 512) : (char)fill;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		fd = -1;
	}
	free(buf);
	return fd;
}

/* Ranges crossing the 1 MiB request size, copied by four threads. */
static void test_copy_files(void)
{
	char src[] = "/tmp/test-copy-src.XXXXXX", dst[] = "/tmp/test-copy-dst.XXXXXX";
	const size_t len = 8 << 20;
	struct lm_range r[] = {
		{ .nsid = 1, .slba = 0, .nlb = 1 },
		{ .nsid = 1, .slba = 1000, .nlb = 5000 },	/* 2.4 MiB */
		{ .nsid = 1, .slba = len / 512 - 3, .nlb = 3 },
	};
	struct lm_chg chg = { .r = r, .n = 3 };
	struct lm_copier c;
	char err[256] = "";
	uint8_t *a = malloc(len), *b = malloc(len);
	int fs = make_file(src, len, -1), fd = make_file(dst, len, 0xff);
	size_t i, k, bad = 0;

	CHECK(fs >= 0 && fd >= 0 && a && b);
	CHECK_EQ(lm_copier_open(&c, src, dst, err, sizeof(err)), 0);
	CHECK_EQ(lm_copier_copy(&c, &chg, err, sizeof(err)), 0);
	CHECK_EQ(c.ranges, 3);
	CHECK_EQ(c.bytes, (1 + 5000 + 3) * 512);
	CHECK_EQ(lm_copier_close(&c, err, sizeof(err)), 0);
	CHECK_EQ(pread(fs, a, len, 0), len);
	CHECK_EQ(pread(fd, b, len, 0), len);
	for (i = 0; i < len; i++) {
		bool in = false;

		for (k = 0; k < 3; k++)
			in |= i >= r[k].slba * 512 && i < (r[k].slba + r[k].nlb) * 512;
		bad += in ? a[i] != b[i] : b[i] != 0xff;
	}
	CHECK_EQ(bad, 0);
	close(fs);
	close(fd);
	unlink(src);
	unlink(dst);
	free(a);
	free(b);
}

/* This process's thread IDs, sorted, into ids; how many. */
static size_t task_ids(long *ids, size_t max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	size_t n = 0, i, k;
	long t;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && n < max)
			ids[n++] = atol(e->d_name);
	if (d)
		closedir(d);
	for (i = 1; i < n; i++)
		for (k = i; k && ids[k - 1] > ids[k]; k--) {
			t = ids[k];
			ids[k] = ids[k - 1];
			ids[k - 1] = t;
		}
	return n;
}

/*
 * The writers are started when the copier opens, the same threads do every
 * copy, and the close ends them: nothing is started inside a stop section.
 */
static void test_crew_kept(void)
{
	char src[] = "/tmp/test-copy-src.XXXXXX", dst[] = "/tmp/test-copy-dst.XXXXXX";
	struct lm_range r = { .nsid = 1, .slba = 8, .nlb = 4096 };
	struct lm_chg chg = { .r = &r, .n = 1 };
	long before[16], opened[16], after[16];
	size_t nb, no, na, i;
	struct lm_copier c;
	char err[256] = "";
	int fs = make_file(src, 4 << 20, -1), fd = make_file(dst, 4 << 20, 0);

	CHECK(fs >= 0 && fd >= 0);
	nb = task_ids(before, 16);
	CHECK_EQ(lm_copier_open(&c, src, dst, err, sizeof(err)), 0);
	no = task_ids(opened, 16);
	CHECK_EQ(no, nb + LM_COPY_THREADS);
	CHECK_EQ(lm_copier_copy(&c, &chg, err, sizeof(err)), 0);
	CHECK_EQ(lm_copier_copy(&c, &chg, err, sizeof(err)), 0);
	na = task_ids(after, 16);
	CHECK_EQ(na, no);
	for (i = 0; i < na && i < no; i++)
		CHECK_EQ(after[i], opened[i]);
	CHECK_EQ(c.bytes, 2 * 4096 * 512);
	CHECK_EQ(lm_copier_close(&c, err, sizeof(err)), 0);
	CHECK_EQ(task_ids(after, 16), nb);
	close(fs);
	close(fd);
	unlink(src);
	unlink(dst);
}

/* Built without libnbd: one line that says so, nothing left open. */
static void test_no_libnbd(void)
{
	char src[] = "/tmp/test-copy-src.XXXXXX";
	struct lm_copier c;
	char err[256] = "";
	int fd = make_file(src, 4096, 0), before = open_fds();

	CHECK(fd >= 0);
	CHECK_EQ(lm_copier_open(&c, src, "nbd://10.0.0.2/vf1", err, sizeof(err)), -ENOTSUP);
	CHECK(strstr(err, "nbd://10.0.0.2/vf1: this nvme was built without libnbd") == err);
	CHECK(!strchr(err, '\n'));
	CHECK_EQ(open_fds(), before);
	close(fd);
	unlink(src);
}

int main(void)
{
	RUN(test_uri);
	RUN(test_spec_uri);
	RUN(test_copy_files);
	RUN(test_crew_kept);
	RUN(test_no_libnbd);
	return unit_summary("test-copy");
}
