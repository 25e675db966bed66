// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A saved state on disk (lm-state-io.c): written whole, never over a file
 * unless asked, read back and checked before a device would see it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "state-build.h"
#include "lm-profile.h"
#include "lm-state-io.h"

static char msg[1024];
static char dir[] = "/tmp/lm-unit-state-io-XXXXXX";

static struct lm_target target(void)
{
	struct lm_target t = { .profile = LM_PROFILE_TP4159, .cntlid = 0x11, .vfn = 1 };

	t.pf.vid = 0x1b36;
	snprintf(t.pf.mn, sizeof(t.pf.mn), "lmsim TP4159 SSD");
	return t;
}

static uint8_t *state(size_t *len, unsigned int nvme_queues)
{
	struct sb_state s = { .nsq = nvme_queues, .ncq = nvme_queues,
		.sq = { { .prp1 = 0x1000, .qsize = 63, .qid = 1, .cqid = 1 } },
		.cq = { { .prp1 = 0x2000, .qsize = 63, .qid = 1, .attr = 3 } },
		.vendor_len = 16, .vendor_fill = 0x5a };

	return sb_build(&s, len);
}

static void test_round_trip(void)
{
	struct lm_target t = target();
	struct lm_sf_hdr h;
	char path[256];
	void *back = NULL;
	uint64_t blen = 0;
	size_t len;
	uint8_t *st = state(&len, 1);

	snprintf(path, sizeof(path), "%s/vf1.state", dir);
	CHECK_EQ(lm_state_write(path, &t, false, false, st, len, msg, sizeof(msg)), 0);
	/* Never over an existing file unless asked. */
	CHECK(lm_state_write(path, &t, false, false, st, len, msg, sizeof(msg)) != 0);
	CHECK_EQ(lm_state_write(path, &t, false, true, st, len, msg, sizeof(msg)), 0);

	CHECK_EQ(lm_state_read(path, false, LM_PROFILE_AUTO, &h, &back, &blen,
			       msg, sizeof(msg)), 0);
	CHECK_EQ(blen, len);
	CHECK(back && !memcmp(back, st, len));
	CHECK_EQ(h.id.cntlid, 0x11);
	CHECK_EQ(h.id.vid, 0x1b36);
	CHECK_STR(h.id.mn, "lmsim TP4159 SSD");
	free(back);
	back = NULL;

	/* A container read as a bare state is no controller state. */
	CHECK_EQ(lm_state_read(path, true, LM_PROFILE_TP4159, &h, &back, &blen,
			       msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "not a usable controller state");
	free(back);
	back = NULL;

	/* Raw: the bytes alone. */
	snprintf(path, sizeof(path), "%s/vf1.raw", dir);
	CHECK_EQ(lm_state_write(path, &t, true, false, st, len, msg, sizeof(msg)), 0);
	CHECK(lm_state_write(path, &t, true, false, st, len, msg, sizeof(msg)) < 0);
	CHECK_CONTAINS(msg, "not replaced");
	CHECK_EQ(lm_state_read(path, true, LM_PROFILE_TP4159, &h, &back, &blen,
			       msg, sizeof(msg)), 0);
	CHECK_EQ(blen, len);
	CHECK(back && !memcmp(back, st, len));
	free(back);
	free(st);
}

static void test_rejected(void)
{
	struct lm_target t = target();
	struct lm_sf_hdr h;
	char path[256];
	void *back = NULL;
	uint64_t blen = 0;
	size_t len;
	uint8_t *st = state(&len, 0);
	int fd;

	snprintf(path, sizeof(path), "%s/missing.state", dir);
	CHECK_EQ(lm_state_read(path, false, LM_PROFILE_AUTO, &h, &back, &blen,
			       msg, sizeof(msg)), -ENOENT);
	CHECK_CONTAINS(msg, "cannot open ");

	/* Damaged: one byte flipped in the payload. */
	snprintf(path, sizeof(path), "%s/damaged.state", dir);
	CHECK_EQ(lm_state_write(path, &t, false, false, st, len, msg, sizeof(msg)), 0);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, "\xff", 1, LM_SF_HDR_LEN + 2), 1);
	close(fd);
	CHECK_EQ(lm_state_read(path, false, LM_PROFILE_AUTO, &h, &back, &blen,
			       msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "; nothing was sent");
	free(back);
	back = NULL;
	free(st);

	/* Into a directory that is not there. */
	snprintf(path, sizeof(path), "%s/no/such/dir.state", dir);
	st = state(&len, 1);
	CHECK(lm_state_write(path, &t, true, false, st, len, msg, sizeof(msg)) < 0);
	CHECK_CONTAINS(msg, "cannot create ");
	free(st);
}

int main(void)
{
	char cmd[300];
	int ret;

	if (!mkdtemp(dir))
		return 1;
	RUN(test_round_trip);
	RUN(test_rejected);
	ret = unit_summary("test-state-io");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? 1 : ret;
}
