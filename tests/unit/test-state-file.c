// SPDX-License-Identifier: GPL-2.0-or-later
/* The state-file container: round trips and one test per rejection. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "state-build.h"
#include "lm-crc32c.h"
#include "lm-le.h"
#include "lm-profile.h"
#include "lm-state-file.h"

static char msg[512];

static const struct lm_sf_ident ident = {
	.vid = 0x1b36, .cntlid = 2, .vfn = 1, .profile = LM_PROFILE_TP4159,
	.csver = 0, .mn = "lmsim TP4159 SSD", .fr = "1.0", .sn = "LMSIM0001",
	.created = 1700000000,
};

/* A valid container in memory: header + a one-queue-pair state. */
static uint8_t *make_file(size_t *len)
{
	struct sb_state s = {
		.csattr = 1, .nsq = 1, .ncq = 1,
		.sq = { { .prp1 = 0x1000, .qsize = 63, .qid = 1, .cqid = 1 } },
		.cq = { { .prp1 = 0x2000, .qsize = 63, .qid = 1, .attr = 3 } },
		.vendor_len = 64, .vendor_fill = 0xa5,
	};
	size_t plen;
	uint8_t *p = sb_build(&s, &plen), *f = malloc(LM_SF_HDR_LEN + plen);

	lm_sf_encode_hdr(f, &ident, p, plen);
	memcpy(f + LM_SF_HDR_LEN, p, plen);
	free(p);
	*len = LM_SF_HDR_LEN + plen;
	return f;
}

/* Re-seal the header after editing a field, so only that field is wrong. */
static void reseal(uint8_t *f)
{
	lm_put_le32(f + 124, lm_crc32c(0, f, 124));
}

static enum lm_sf_err parse(const uint8_t *f, size_t len)
{
	struct lm_sf_hdr h;
	const void *p;

	msg[0] = '\0';
	return lm_sf_parse(f, len, &h, &p, msg, sizeof(msg));
}

static void test_round_trip_memory(void)
{
	struct lm_sf_hdr h;
	const void *p;
	size_t len;
	uint8_t *f = make_file(&len);

	CHECK_EQ(len, 128 + 104 + 64);
	CHECK_EQ(lm_sf_parse(f, len, &h, &p, msg, sizeof(msg)), LM_SF_OK);
	CHECK_EQ(h.version, 1);
	CHECK_EQ(h.id.vid, 0x1b36);
	CHECK_EQ(h.id.cntlid, 2);
	CHECK_EQ(h.id.vfn, 1);
	CHECK_EQ(h.id.profile, LM_PROFILE_TP4159);
	CHECK_STR(h.id.mn, "lmsim TP4159 SSD");
	CHECK_STR(h.id.fr, "1.0");
	CHECK_STR(h.id.sn, "LMSIM0001");
	CHECK_EQ(h.id.created, 1700000000);
	CHECK_EQ(h.payload_len, 104 + 64);
	CHECK(p == f + 128);
	CHECK(!memcmp(f, "NVMELMSF", 8));
	free(f);
}

static void test_round_trip_pipe(void)
{
	struct lm_sf_hdr h;
	void *payload;
	size_t len;
	uint8_t *f = make_file(&len);
	int fds[2];

	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(lm_sf_write_fd(fds[1], &ident, f + 128, len - 128), LM_SF_OK);
	close(fds[1]);
	CHECK_EQ(lm_sf_read_fd(fds[0], &h, &payload, msg, sizeof(msg)), LM_SF_OK);
	close(fds[0]);
	CHECK_EQ(h.payload_len, len - 128);
	CHECK(payload && !memcmp(payload, f + 128, len - 128));
	free(payload);
	free(f);
}

static void test_atomic_write(void)
{
	char dir[] = "/tmp/lm-sf-XXXXXX", path[64], bad[96];
	struct lm_sf_hdr h;
	void *payload;
	struct stat sb;
	size_t len;
	uint8_t *f = make_file(&len);
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/vf1.state", dir);
	CHECK_EQ(lm_sf_write_path(path, &ident, f + 128, len - 128, true, msg,
				  sizeof(msg)), LM_SF_OK);
	CHECK_EQ(stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, len);
	fd = open(path, O_RDONLY);
	CHECK_EQ(lm_sf_read_fd(fd, &h, &payload, msg, sizeof(msg)), LM_SF_OK);
	close(fd);
	free(payload);

	/* Without replace, an existing state is kept and no temporary left. */
	CHECK_EQ(lm_sf_write_path(path, &ident, f + 128, len - 128, false, msg,
				  sizeof(msg)), LM_SF_EIO);
	CHECK_CONTAINS(msg, "not replaced");
	CHECK_EQ(stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, len);
	unlink(path);

	/* A failed write leaves nothing behind and says where. */
	snprintf(bad, sizeof(bad), "%s/missing/vf1.state", dir);
	CHECK_EQ(lm_sf_write_path(bad, &ident, f + 128, len - 128, true, msg,
				  sizeof(msg)), LM_SF_EIO);
	CHECK_CONTAINS(msg, "missing/vf1.state");
	CHECK(rmdir(dir) == 0);		/* empty: no temporary left */
	free(f);
}

static void test_reject_truncated_header(void)
{
	size_t len;
	uint8_t *f = make_file(&len);

	CHECK_EQ(parse(f, 100), LM_SF_ETRUNC);
	CHECK_CONTAINS(msg, "truncated");
	CHECK_EQ(parse(f, 0), LM_SF_ETRUNC);
	free(f);
}

static void test_reject_truncated_payload(void)
{
	size_t len;
	uint8_t *f = make_file(&len);

	CHECK_EQ(parse(f, len - 1), LM_SF_ETRUNC);
	CHECK_CONTAINS(msg, "payload has");
	free(f);
}

static void test_reject_truncated_pipe(void)
{
	struct lm_sf_hdr h;
	void *payload;
	size_t len;
	uint8_t *f = make_file(&len);
	int fds[2];

	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], f, len - 10), (ssize_t)(len - 10));
	close(fds[1]);
	CHECK_EQ(lm_sf_read_fd(fds[0], &h, &payload, msg, sizeof(msg)),
		 LM_SF_ETRUNC);
	CHECK(payload == NULL);
	close(fds[0]);
	free(f);
}

static void test_reject_magic(void)
{
	size_t len;
	uint8_t *f = make_file(&len);

	f[0] = 'X';
	CHECK_EQ(parse(f, len), LM_SF_EMAGIC);
	CHECK_CONTAINS(msg, "not an nvme-lm state file");
	/* Short garbage is "not a state file" too, not "truncated". */
	CHECK_EQ(parse((const uint8_t *)"hello world", 11), LM_SF_EMAGIC);
	free(f);
}

static void test_reject_version(void)
{
	size_t len;
	uint8_t *f = make_file(&len);

	lm_put_le16(f + 8, 2);
	reseal(f);
	CHECK_EQ(parse(f, len), LM_SF_EVERSION);
	CHECK_CONTAINS(msg, "version 2");
	free(f);
}

static void test_reject_header_corruption(void)
{
	size_t len;
	uint8_t *f = make_file(&len);

	f[45] ^= 0x01;		/* a bit in the model number */
	CHECK_EQ(parse(f, len), LM_SF_EHDRCRC);
	CHECK_CONTAINS(msg, "header corrupted");
	free(f);
}

static void test_reject_payload_corruption(void)
{
	size_t len;
	uint8_t *f = make_file(&len);

	f[len - 3] ^= 0x80;	/* a bit in the vendor part */
	CHECK_EQ(parse(f, len), LM_SF_EPAYLOADCRC);
	CHECK_CONTAINS(msg, "payload corrupted");
	free(f);
}

static void test_reject_oversized(void)
{
	size_t len;
	uint8_t *f = make_file(&len);

	lm_put_le64(f + 24, LM_SF_MAX_PAYLOAD + 4);
	reseal(f);
	CHECK_EQ(parse(f, len), LM_SF_ETOOBIG);
	CHECK_CONTAINS(msg, "oversized");
	free(f);
}

static void test_reject_inconsistent(void)
{
	size_t len;
	uint8_t *f = make_file(&len), *g;

	/* Header length that a version-1 header cannot have. */
	lm_put_le16(f + 10, 256);
	reseal(f);
	CHECK_EQ(parse(f, len), LM_SF_EINCONSISTENT);
	CHECK_CONTAINS(msg, "header length");
	free(f);

	/* An unknown profile. */
	f = make_file(&len);
	f[18] = 9;
	reseal(f);
	CHECK_EQ(parse(f, len), LM_SF_EINCONSISTENT);
	CHECK_CONTAINS(msg, "profile");
	free(f);

	/* Bytes beyond the announced payload. */
	f = make_file(&len);
	g = calloc(1, len + 4);
	memcpy(g, f, len);
	CHECK_EQ(parse(g, len + 4), LM_SF_EINCONSISTENT);
	free(g);

	/* Payload whose TP4159 header announces another size (CRC valid). */
	f[128 + 32] += 1;	/* VSS one dword larger */
	lm_put_le32(f + 32, lm_crc32c(0, f + 128, len - 128));
	reseal(f);
	CHECK_EQ(parse(f, len), LM_SF_EINCONSISTENT);
	CHECK_CONTAINS(msg, "describes");
	free(f);

	/* Container and state disagree on the state format version. */
	f = make_file(&len);
	lm_put_le16(f + 20, 1);
	reseal(f);
	CHECK_EQ(parse(f, len), LM_SF_EINCONSISTENT);
	CHECK_CONTAINS(msg, "controller state version");
	free(f);

	/*
	 * The container records the version of the NVMe part (what CNS 20h
	 * lists), not the header's: a header version alone must not match.
	 */
	f = make_file(&len);
	lm_put_le16(f + 128, 1);	/* header VER */
	lm_put_le32(f + 32, lm_crc32c(0, f + 128, len - 128));
	reseal(f);
	CHECK_EQ(parse(f, len), LM_SF_OK);
	free(f);

	/* A header alone (what Get Controller State with CSVI 0 returns). */
	{
		uint8_t hdr[48] = { 0 };

		f = malloc(LM_SF_HDR_LEN + sizeof(hdr));
		hdr[2] = 1;
		lm_sf_encode_hdr(f, &ident, hdr, sizeof(hdr));
		memcpy(f + LM_SF_HDR_LEN, hdr, sizeof(hdr));
		CHECK_EQ(parse(f, LM_SF_HDR_LEN + sizeof(hdr)), LM_SF_EINCONSISTENT);
		CHECK_CONTAINS(msg, "no NVMe part");
		free(f);
	}
}

static void test_reject_trailing_pipe(void)
{
	struct lm_sf_hdr h;
	void *payload;
	size_t len;
	uint8_t *f = make_file(&len);
	int fds[2];

	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], f, len), (ssize_t)len);
	CHECK_EQ(write(fds[1], "x", 1), 1);
	close(fds[1]);
	CHECK_EQ(lm_sf_read_fd(fds[0], &h, &payload, msg, sizeof(msg)),
		 LM_SF_EINCONSISTENT);
	close(fds[0]);
	free(f);
}

static void test_errors_distinct(void)
{
	const char *names[LM_SF_ENOMEM + 1];
	int i, j, dup = 0;

	for (i = 0; i <= LM_SF_ENOMEM; i++)
		names[i] = lm_sf_strerror(i);
	for (i = 0; i <= LM_SF_ENOMEM; i++)
		for (j = 0; j < i; j++)
			dup += !strcmp(names[i], names[j]);
	CHECK_EQ(dup, 0);
}

int main(void)
{
	RUN(test_round_trip_memory);
	RUN(test_round_trip_pipe);
	RUN(test_atomic_write);
	RUN(test_reject_truncated_header);
	RUN(test_reject_truncated_payload);
	RUN(test_reject_truncated_pipe);
	RUN(test_reject_magic);
	RUN(test_reject_version);
	RUN(test_reject_header_corruption);
	RUN(test_reject_payload_corruption);
	RUN(test_reject_oversized);
	RUN(test_reject_inconsistent);
	RUN(test_reject_trailing_pipe);
	RUN(test_errors_distinct);
	return unit_summary("test-state-file");
}
