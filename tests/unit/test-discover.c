// SPDX-License-Identifier: GPL-2.0-or-later
/* Identify parsing, the secondary controller list, copy specs. */
#include "unit.h"
#include "lm-cdq-mem.h"
#include "lm-copy.h"
#include "lm-discover.h"
#include "lm-le.h"

static uint8_t id[4096];

static void test_id_ctrl(void)
{
	struct lm_ctrl_info i;

	memset(id, 0, sizeof(id));
	lm_put_le16(id, 0x144d);
	memcpy(id + 4, "SN123               ", 20);
	memcpy(id + 24, "Model X", 7);
	memset(id + 31, ' ', 33);
	memcpy(id + 64, "FW1     ", 8);
	id[77] = 5;
	lm_put_le16(id + 78, 0x41);
	lm_put_le16(id + 256, 1 << 11 | 1 << 7);
	lm_put_le16(id + 570, 11);
	lm_put_le16(id + 572, 12);
	id[574] = 13;
	id[575] = 14;
	id[576] = 0x3;
	lm_put_le16(id + 578, 15);
	lm_put_le16(id + 580, 16);
	lm_put_le16(id + 582, 17);
	lm_put_le16(id + 584, 18);
	lm_put_le16(id + 586, 19);
	lm_parse_id_ctrl(id, &i);
	CHECK_EQ(i.vid, 0x144d);
	CHECK_STR(i.sn, "SN123");
	CHECK_STR(i.mn, "Model X");
	CHECK_STR(i.fr, "FW1");
	CHECK_EQ(i.mdts, 5);
	CHECK_EQ(i.cntlid, 0x41);
	CHECK(i.hmlms);
	CHECK(!i.vendor_lm);
	CHECK_EQ(i.cmmrtd, 11);
	CHECK_EQ(i.nmmrtd, 12);
	CHECK_EQ(i.minmrtg, 13);
	CHECK_EQ(i.maxmrtg, 14);
	CHECK_EQ(i.trattr, 3);
	CHECK_EQ(i.mcudmq, 15);
	CHECK_EQ(i.mnsudmq, 16);
	CHECK_EQ(i.mcmr, 17);
	CHECK_EQ(i.nmcmr, 18);
	CHECK_EQ(i.mcdqpc, 19);

	lm_put_le16(id + 256, 0);
	id[3072] = 1;
	lm_parse_id_ctrl(id, &i);
	CHECK(!i.hmlms);
	CHECK(i.vendor_lm);
}

static void test_sec_list(void)
{
	struct lm_sec_ctrl s[4];
	uint8_t *e;

	memset(id, 0, sizeof(id));
	id[0] = 2;
	e = id + 32;
	lm_put_le16(e, 0x11);
	lm_put_le16(e + 2, 1);
	e[4] = 1;
	lm_put_le16(e + 8, 1);
	lm_put_le16(e + 10, 9);
	lm_put_le16(e + 12, 2);
	e = id + 64;
	lm_put_le16(e, 0x12);
	lm_put_le16(e + 8, 2);
	CHECK_EQ(lm_parse_sec_list(id, s, 4), 2);
	CHECK_EQ(s[0].scid, 0x11);
	CHECK_EQ(s[0].pcid, 1);
	CHECK_EQ(s[0].scs, 1);
	CHECK_EQ(s[0].vfn, 1);
	CHECK_EQ(s[0].nvq, 9);
	CHECK_EQ(s[0].nvi, 2);
	CHECK_EQ(s[1].scid, 0x12);
	CHECK_EQ(s[1].scs, 0);
	CHECK_EQ(s[1].vfn, 2);
	/* A count beyond what the caller holds is cut to it. */
	id[0] = 200;
	CHECK_EQ(lm_parse_sec_list(id, s, 4), 4);
}

static void test_state_formats(void)
{
	struct lm_state_formats f;

	memset(id, 0, sizeof(id));
	id[0] = 2;
	id[1] = 1;
	lm_put_le16(id + 2, 0);
	lm_put_le16(id + 4, 3);
	lm_parse_state_formats(id, &f);
	CHECK_EQ(f.nv, 2);
	CHECK_EQ(f.nuuid, 1);
	CHECK(lm_formats_has(&f, 0));
	CHECK(lm_formats_has(&f, 3));
	CHECK(!lm_formats_has(&f, 1));

	/* CSVI is the 1-based position in the list, never the version. */
	CHECK_EQ(lm_formats_csvi(&f, 0), 1);
	CHECK_EQ(lm_formats_csvi(&f, 3), 2);
	CHECK_EQ(lm_formats_csvi(&f, 1), 0);
	lm_put_le16(id + 2, 3);
	lm_put_le16(id + 4, 0);
	lm_parse_state_formats(id, &f);
	CHECK_EQ(lm_formats_csvi(&f, 0), 2);
	id[0] = 0;
	lm_parse_state_formats(id, &f);
	CHECK_EQ(lm_formats_csvi(&f, 0), 0);
}

static void test_cdq_mem_limits(void)
{
	struct lm_hugepages hp;

	lm_hugepages_parse("MemTotal: 1 kB\nHugePages_Total:       2\n"
			   "HugePages_Free:        1\nHugepagesize:       2048 kB\n", &hp);
	CHECK_EQ(hp.free, 1);
	CHECK_EQ(hp.size, 2u << 20);
	/* A free hugepage: as many as fit it, within MDTS. */
	CHECK_EQ(lm_cdq_mem_max_entries(&hp, 128 * 1024), 4096);
	CHECK_EQ(lm_cdq_mem_max_entries(&hp, 4u << 20), 65536);
	/* None free: one page, 128 entries. */
	lm_hugepages_parse("HugePages_Free:        0\nHugepagesize:       2048 kB\n", &hp);
	CHECK_EQ(lm_cdq_mem_max_entries(&hp, 128 * 1024), 128);
	lm_hugepages_parse("", &hp);
	CHECK_EQ(hp.size, 0);
	CHECK_EQ(lm_cdq_mem_max_entries(&hp, 128 * 1024), 128);
}

static void test_copy_spec(void)
{
	char s[64], d[64];

	CHECK_EQ(lm_copy_spec("/dev/nvme0n1:/dev/nvme1n1", s, d, sizeof(s)), 0);
	CHECK_STR(s, "/dev/nvme0n1");
	CHECK_STR(d, "/dev/nvme1n1");
	CHECK(lm_copy_spec("nocolon", s, d, sizeof(s)) < 0);
	CHECK(lm_copy_spec(":x", s, d, sizeof(s)) < 0);
	CHECK(lm_copy_spec("x:", s, d, sizeof(s)) < 0);
}

int main(void)
{
	RUN(test_id_ctrl);
	RUN(test_sec_list);
	RUN(test_state_formats);
	RUN(test_cdq_mem_limits);
	RUN(test_copy_spec);
	return unit_summary("test-discover");
}
