// SPDX-License-Identifier: GPL-2.0-or-later
/* Every encoder, dword by dword, against the layouts in Documentation/tp4159-notes.md. */
#include <errno.h>

#include "unit.h"
#include "lm-cmd.h"

static uint8_t buf[16384];

static void check_cmd(const struct lm_cmd *c, uint8_t opc, uint32_t d10,
		      uint32_t d11, uint32_t d12, uint32_t d13, uint32_t d14,
		      uint32_t d15, enum lm_dir dir, uint32_t len)
{
	CHECK_EQ(c->opcode, opc);
	CHECK_EQ(c->nsid, 0);
	CHECK_EQ(c->cdw10, d10);
	CHECK_EQ(c->cdw11, d11);
	CHECK_EQ(c->cdw12, d12);
	CHECK_EQ(c->cdw13, d13);
	CHECK_EQ(c->cdw14, d14);
	CHECK_EQ(c->cdw15, d15);
	CHECK_EQ(c->dir, dir);
	CHECK_EQ(c->data_len, len);
}

static void test_suspend(void)
{
	struct lm_cmd c;

	lm_enc_suspend(&c, 0x12, LM_STYPE_SUSPEND, true);
	check_cmd(&c, 0x41, 0, 0x80010012, 0, 0, 0, 0, LM_DIR_NONE, 0);
	lm_enc_suspend(&c, 0x12, LM_STYPE_NOTIFY, false);
	check_cmd(&c, 0x41, 0, 0x00000012, 0, 0, 0, 0, LM_DIR_NONE, 0);
	lm_enc_suspend(&c, 0xffff, LM_STYPE_SUSPEND, false);
	check_cmd(&c, 0x41, 0, 0x0001ffff, 0, 0, 0, 0, LM_DIR_NONE, 0);
}

static void test_resume(void)
{
	struct lm_cmd c;

	lm_enc_resume(&c, 0x12);
	check_cmd(&c, 0x41, 1, 0x12, 0, 0, 0, 0, LM_DIR_NONE, 0);
}

static void test_set_state(void)
{
	struct lm_state_xfer x = {
		.cntlid = 3, .offset = 0x100000010ull, .len = 4096, .buf = buf,
	};
	struct lm_cmd c;

	CHECK_EQ(lm_enc_set_state(&c, &x, LM_SEQ_FIRST), 0);
	/* NUMD of Migration Send counts dwords plainly: 4096 bytes = 1024. */
	check_cmd(&c, 0x41, 0x00010002, 3, 0x10, 1, 0, 1024, LM_DIR_TO_DEV, 4096);
	CHECK(c.data == buf);

	x.csvi = 2;
	x.csuuidi = 5;
	x.uidx = 0x7f;
	x.offset = 0;
	x.len = 104;
	CHECK_EQ(lm_enc_set_state(&c, &x, LM_SEQ_ENTIRE), 0);
	check_cmd(&c, 0x41, 0x00030002, 0x05020003, 0, 0, 0x7f, 26,
		  LM_DIR_TO_DEV, 104);
	CHECK_EQ(lm_enc_set_state(&c, &x, LM_SEQ_MIDDLE), 0);
	CHECK_EQ(c.cdw10, 0x00000002);
	CHECK_EQ(lm_enc_set_state(&c, &x, LM_SEQ_LAST), 0);
	CHECK_EQ(c.cdw10, 0x00020002);
}

static void test_get_state(void)
{
	struct lm_state_xfer x = {
		.cntlid = 3, .csvi = 1, .csuuidi = 2, .csuidxp = 4, .uidx = 1,
		.offset = 8192, .len = 4096, .buf = buf,
	};
	struct lm_cmd c;

	CHECK_EQ(lm_enc_get_state(&c, &x), 0);
	/* NUMD of Migration Receive is 0's-based: 4096 bytes = 1023. */
	check_cmd(&c, 0x42, 0x00010000, 0x04020003, 8192, 0, 1, 1023,
		  LM_DIR_FROM_DEV, 4096);
	x.len = 4;
	x.offset = 0x200000000ull;
	CHECK_EQ(lm_enc_get_state(&c, &x), 0);
	CHECK_EQ(c.cdw15, 0);
	CHECK_EQ(c.cdw12, 0);
	CHECK_EQ(c.cdw13, 2);
}

static void test_state_xfer_rejects(void)
{
	struct lm_state_xfer x = { .cntlid = 1, .len = 0, .buf = buf };
	struct lm_cmd c;

	CHECK_EQ(lm_enc_get_state(&c, &x), -EINVAL);
	x.len = 6;
	CHECK_EQ(lm_enc_get_state(&c, &x), -EINVAL);
	CHECK_EQ(lm_enc_set_state(&c, &x, LM_SEQ_ENTIRE), -EINVAL);
	x.len = 8;
	x.offset = 2;
	CHECK_EQ(lm_enc_set_state(&c, &x, LM_SEQ_ENTIRE), -EINVAL);
	x.offset = 0;
	CHECK_EQ(lm_enc_set_state(&c, &x, (enum lm_seqind)4), -EINVAL);
}

static void test_cdq(void)
{
	struct lm_cmd c;

	lm_enc_cdq_create(&c, 5, LM_CDQ_QT_USER_DATA, true, 1024, buf);
	check_cmd(&c, 0x45, 0, 0x00050001, 1024, 0, 0, 0, LM_DIR_FROM_DEV, 4096);
	CHECK(c.data == buf);
	lm_enc_cdq_create(&c, 5, LM_CDQ_QT_USER_DATA, false, 2048, buf);
	check_cmd(&c, 0x45, 0, 0x00050000, 2048, 0, 0, 0, LM_DIR_FROM_DEV, 8192);
	lm_enc_cdq_delete(&c, 7);
	check_cmd(&c, 0x45, 1, 7, 0, 0, 0, 0, LM_DIR_NONE, 0);
}

static void test_cdq_feature(void)
{
	struct lm_cmd c;

	lm_enc_cdq_set_head(&c, 7, 100, true, 50);
	check_cmd(&c, 0x09, 0x21, 0x80000007, 100, 50, 0, 0, LM_DIR_NONE, 0);
	lm_enc_cdq_set_head(&c, 7, 3, false, 0);
	check_cmd(&c, 0x09, 0x21, 7, 3, 0, 0, 0, LM_DIR_NONE, 0);
	lm_enc_cdq_get(&c, 7, buf);
	check_cmd(&c, 0x0a, 0x21, 7, 0, 0, 0, 0, LM_DIR_FROM_DEV, 8);
}

static void test_track_send(void)
{
	struct lm_cmd c;

	lm_enc_track_user_data(&c, 7, LM_LACT_START);
	check_cmd(&c, 0x3d, 0x00010000, 7, 0, 0, 0, 0, LM_DIR_NONE, 0);
	lm_enc_track_user_data(&c, 7, LM_LACT_STOP);
	check_cmd(&c, 0x3d, 0, 7, 0, 0, 0, 0, LM_DIR_NONE, 0);
}

static void test_identify(void)
{
	struct lm_cmd c;

	lm_enc_identify(&c, LM_CNS_SECONDARY_LIST, 0, buf);
	check_cmd(&c, 0x06, 0x15, 0, 0, 0, 0, 0, LM_DIR_FROM_DEV, 4096);
	lm_enc_identify(&c, LM_CNS_SECONDARY_LIST, 9, buf);
	CHECK_EQ(c.cdw10, 0x00090015);
	lm_enc_identify(&c, LM_CNS_STATE_FORMATS, 0, buf);
	CHECK_EQ(c.cdw10, 0x20);
	lm_enc_identify(&c, LM_CNS_CTRL, 0, buf);
	CHECK_EQ(c.cdw10, 0x01);
}

static void test_vendor(void)
{
	struct lm_cmd c;

	/* The vendor profile names the VF by its 1-based index. */
	lm_enc_vs_query_size(&c, 3);
	check_cmd(&c, 0xc4, 3, 0, 0, 0, 0, 0, LM_DIR_NONE, 0);
	lm_enc_vs_suspend(&c, 3);
	check_cmd(&c, 0xc8, 3, 0, 0, 0, 0, 0, LM_DIR_NONE, 0);
	lm_enc_vs_resume(&c, 1);
	check_cmd(&c, 0xcc, 1, 0, 0, 0, 0, 0, LM_DIR_NONE, 0);
	lm_enc_vs_save(&c, 3, buf, 8192);
	check_cmd(&c, 0xd2, 3, 0, 0, 0, 0, 0, LM_DIR_FROM_DEV, 8192);
	lm_enc_vs_load(&c, 3, buf, 8192);
	check_cmd(&c, 0xd5, 3, 8192, 0, 0, 0, 0, LM_DIR_TO_DEV, 8192);
}

static void test_chunker_sequence(void)
{
	struct lm_state_xfer x = { .cntlid = 2, .buf = buf };
	static const struct {
		uint64_t off;
		uint32_t len, numd_send, numd_recv;
		enum lm_seqind seq;
	} want[] = {
		{ 0, 4096, 1024, 1023, LM_SEQ_FIRST },
		{ 4096, 4096, 1024, 1023, LM_SEQ_MIDDLE },
		{ 8192, 1808, 452, 451, LM_SEQ_LAST },
	};
	struct lm_chunker it;
	struct lm_chunk ch;
	struct lm_cmd c;
	unsigned int n = 0;

	CHECK_EQ(lm_chunker_init(&it, 10000, 4096), 0);
	while (lm_chunker_next(&it, &ch)) {
		if (n >= 3) {
			n++;
			break;
		}
		CHECK_EQ(ch.offset, want[n].off);
		CHECK_EQ(ch.len, want[n].len);
		CHECK_EQ(ch.seqind, want[n].seq);
		x.offset = ch.offset;
		x.len = ch.len;
		CHECK_EQ(lm_enc_set_state(&c, &x, ch.seqind), 0);
		CHECK_EQ(c.cdw10 >> 16, want[n].seq);
		CHECK_EQ(c.cdw12, want[n].off);
		CHECK_EQ(c.cdw15, want[n].numd_send);
		CHECK_EQ(lm_enc_get_state(&c, &x), 0);
		CHECK_EQ(c.cdw15, want[n].numd_recv);
		n++;
	}
	CHECK_EQ(n, 3);
}

static void test_chunker_edges(void)
{
	struct lm_chunker it;
	struct lm_chunk ch;

	CHECK_EQ(lm_chunker_init(&it, 4096, 4096), 0);
	CHECK(lm_chunker_next(&it, &ch));
	CHECK_EQ(ch.seqind, LM_SEQ_ENTIRE);
	CHECK_EQ(ch.len, 4096);
	CHECK(!lm_chunker_next(&it, &ch));

	CHECK_EQ(lm_chunker_init(&it, 8192, 4096), 0);
	CHECK(lm_chunker_next(&it, &ch));
	CHECK_EQ(ch.seqind, LM_SEQ_FIRST);
	CHECK(lm_chunker_next(&it, &ch));
	CHECK_EQ(ch.seqind, LM_SEQ_LAST);
	CHECK_EQ(ch.offset, 4096);
	CHECK(!lm_chunker_next(&it, &ch));

	/* A limit that is not a dword multiple is rounded down. */
	CHECK_EQ(lm_chunker_init(&it, 8200, 4097), 0);
	CHECK(lm_chunker_next(&it, &ch));
	CHECK_EQ(ch.len, 4096);

	CHECK_EQ(lm_chunker_init(&it, 0, 4096), -EINVAL);
	CHECK_EQ(lm_chunker_init(&it, 6, 4096), -EINVAL);
	CHECK_EQ(lm_chunker_init(&it, 8, 2), -EINVAL);
}

static void test_mdts(void)
{
	CHECK_EQ(lm_mdts_bytes(5, 4096), 131072);
	CHECK_EQ(lm_mdts_bytes(1, 4096), 8192);
	CHECK_EQ(lm_mdts_bytes(0, 4096), 1u << 31);
}

static void test_opcode_names(void)
{
	CHECK_STR(lm_opcode_name(0x41), "migration-send");
	CHECK_STR(lm_opcode_name(0x42), "migration-receive");
	CHECK_STR(lm_opcode_name(0xff), "unknown");
	CHECK(lm_opcode_is_lm(0x45));
	CHECK(lm_opcode_is_lm(0xd5));
	CHECK(!lm_opcode_is_lm(0x06));
}

int main(void)
{
	RUN(test_suspend);
	RUN(test_resume);
	RUN(test_set_state);
	RUN(test_get_state);
	RUN(test_state_xfer_rejects);
	RUN(test_cdq);
	RUN(test_cdq_feature);
	RUN(test_track_send);
	RUN(test_identify);
	RUN(test_vendor);
	RUN(test_chunker_sequence);
	RUN(test_chunker_edges);
	RUN(test_mdts);
	RUN(test_opcode_names);
	return unit_summary("test-cmd");
}
