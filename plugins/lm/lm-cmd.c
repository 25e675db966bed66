// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "lm-cmd.h"

/*
 * Migration Receive counts dwords 0's-based, as most NVMe commands do.
 * Migration Send counts them plainly: that is what libnvme and libvfn put on
 * the wire and what devices built against them expect. Both conventions live
 * here and nowhere else.
 */
static uint32_t numd_0based(uint32_t len)
{
	return len / 4 - 1;
}

static uint32_t numd_count(uint32_t len)
{
	return len / 4;
}

static void cmd_init(struct lm_cmd *c, uint8_t opcode)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->dir = LM_DIR_NONE;
}

static void cmd_data(struct lm_cmd *c, enum lm_dir dir, void *buf, uint32_t len)
{
	c->dir = dir;
	c->data = buf;
	c->data_len = len;
}

static uint32_t sel_mos(uint8_t sel, uint16_t mos)
{
	return (uint32_t)sel | (uint32_t)mos << 16;
}

void lm_enc_suspend(struct lm_cmd *c, uint16_t cntlid,
		    enum lm_suspend_type stype, bool dudmq)
{
	cmd_init(c, LM_OPC_MIGRATION_SEND);
	c->cdw10 = sel_mos(LM_MSEND_SUSPEND, 0);
	c->cdw11 = cntlid | (uint32_t)(stype & 0xff) << 16 |
		   (uint32_t)(dudmq ? 1 : 0) << 31;
}

void lm_enc_resume(struct lm_cmd *c, uint16_t cntlid)
{
	cmd_init(c, LM_OPC_MIGRATION_SEND);
	c->cdw10 = sel_mos(LM_MSEND_RESUME, 0);
	c->cdw11 = cntlid;
}

static int xfer_valid(const struct lm_state_xfer *x)
{
	if (!x->len || x->len % 4)
		return -EINVAL;
	if (x->offset % 4)
		return -EINVAL;
	return 0;
}

int lm_enc_set_state(struct lm_cmd *c, const struct lm_state_xfer *x,
		     enum lm_seqind seqind)
{
	if (xfer_valid(x) || seqind > LM_SEQ_ENTIRE)
		return -EINVAL;
	cmd_init(c, LM_OPC_MIGRATION_SEND);
	c->cdw10 = sel_mos(LM_MSEND_SET_STATE, seqind & 0x3);
	c->cdw11 = x->cntlid | (uint32_t)x->csvi << 16 |
		   (uint32_t)x->csuuidi << 24;
	c->cdw12 = (uint32_t)x->offset;
	c->cdw13 = (uint32_t)(x->offset >> 32);
	c->cdw14 = x->uidx & 0x7f;
	c->cdw15 = numd_count(x->len);
	cmd_data(c, LM_DIR_TO_DEV, x->buf, x->len);
	return 0;
}

int lm_enc_get_state(struct lm_cmd *c, const struct lm_state_xfer *x)
{
	if (xfer_valid(x))
		return -EINVAL;
	cmd_init(c, LM_OPC_MIGRATION_RECV);
	c->cdw10 = sel_mos(0, x->csvi);
	c->cdw11 = x->cntlid | (uint32_t)x->csuuidi << 16 |
		   (uint32_t)x->csuidxp << 24;
	c->cdw12 = (uint32_t)x->offset;
	c->cdw13 = (uint32_t)(x->offset >> 32);
	c->cdw14 = x->uidx & 0x7f;
	c->cdw15 = numd_0based(x->len);
	cmd_data(c, LM_DIR_FROM_DEV, x->buf, x->len);
	return 0;
}

void lm_enc_cdq_create(struct lm_cmd *c, uint16_t cntlid, uint8_t qt,
		       bool pc, uint32_t size_dw, void *buf)
{
	cmd_init(c, LM_OPC_CDQ);
	c->cdw10 = sel_mos(LM_CDQ_CREATE, qt);
	c->cdw11 = (pc ? 1 : 0) | (uint32_t)cntlid << 16;
	c->cdw12 = size_dw;
	/*
	 * The controller writes this memory for as long as the queue exists,
	 * whatever the opcode's transfer bits say about the create itself.
	 */
	cmd_data(c, LM_DIR_FROM_DEV, buf, size_dw * 4);
}

void lm_enc_cdq_delete(struct lm_cmd *c, uint16_t cdqid)
{
	cmd_init(c, LM_OPC_CDQ);
	c->cdw10 = sel_mos(LM_CDQ_DELETE, 0);
	c->cdw11 = cdqid;
}

void lm_enc_cdq_set_head(struct lm_cmd *c, uint16_t cdqid, uint32_t head,
			 bool etpt, uint32_t tpt)
{
	cmd_init(c, LM_OPC_SET_FEATURES);
	c->cdw10 = LM_FID_CDQ;
	c->cdw11 = cdqid | (uint32_t)(etpt ? 1 : 0) << 31;
	c->cdw12 = head;
	c->cdw13 = tpt;
}

void lm_enc_cdq_get(struct lm_cmd *c, uint16_t cdqid, void *buf8)
{
	cmd_init(c, LM_OPC_GET_FEATURES);
	c->cdw10 = LM_FID_CDQ;
	c->cdw11 = cdqid;
	cmd_data(c, LM_DIR_FROM_DEV, buf8, 8);
}

void lm_enc_track_user_data(struct lm_cmd *c, uint16_t cdqid,
			    enum lm_track_lact lact)
{
	cmd_init(c, LM_OPC_TRACK_SEND);
	c->cdw10 = sel_mos(LM_TRACK_USER_DATA, lact & 0xf);
	c->cdw11 = cdqid;
}

void lm_enc_identify(struct lm_cmd *c, uint8_t cns, uint16_t cntid,
		     void *buf4k)
{
	cmd_init(c, LM_OPC_IDENTIFY);
	c->cdw10 = cns | (uint32_t)cntid << 16;
	cmd_data(c, LM_DIR_FROM_DEV, buf4k, 4096);
}

static void vs_init(struct lm_cmd *c, uint8_t opcode, uint16_t vf)
{
	cmd_init(c, opcode);
	c->cdw10 = vf;
}

void lm_enc_vs_query_size(struct lm_cmd *c, uint16_t vf)
{
	vs_init(c, LM_OPC_VS_QUERY_SIZE, vf);
}

void lm_enc_vs_suspend(struct lm_cmd *c, uint16_t vf)
{
	vs_init(c, LM_OPC_VS_SUSPEND, vf);
}

void lm_enc_vs_resume(struct lm_cmd *c, uint16_t vf)
{
	vs_init(c, LM_OPC_VS_RESUME, vf);
}

void lm_enc_vs_save(struct lm_cmd *c, uint16_t vf, void *buf, uint32_t len)
{
	vs_init(c, LM_OPC_VS_SAVE, vf);
	cmd_data(c, LM_DIR_FROM_DEV, buf, len);
}

void lm_enc_vs_load(struct lm_cmd *c, uint16_t vf, void *buf, uint32_t len)
{
	vs_init(c, LM_OPC_VS_LOAD, vf);
	c->cdw11 = len;
	cmd_data(c, LM_DIR_TO_DEV, buf, len);
}

int lm_chunker_init(struct lm_chunker *it, uint64_t total, uint32_t max_chunk)
{
	/* Chunks are counted in dwords on the wire. */
	if (!total || total % 4 || max_chunk < 4)
		return -EINVAL;
	it->total = total;
	it->max_chunk = max_chunk & ~3u;
	it->next = 0;
	return 0;
}

bool lm_chunker_next(struct lm_chunker *it, struct lm_chunk *out)
{
	uint64_t left = it->total - it->next;
	bool first = it->next == 0;
	bool last;

	if (!left)
		return false;
	out->offset = it->next;
	out->len = left > it->max_chunk ? it->max_chunk : (uint32_t)left;
	it->next += out->len;
	last = it->next == it->total;
	if (first && last)
		out->seqind = LM_SEQ_ENTIRE;
	else if (first)
		out->seqind = LM_SEQ_FIRST;
	else if (last)
		out->seqind = LM_SEQ_LAST;
	else
		out->seqind = LM_SEQ_MIDDLE;
	return true;
}

uint32_t lm_mdts_bytes(uint8_t mdts, uint32_t mps_min)
{
	uint64_t bytes;

	/* MDTS 0 means no limit; the kernel's passthrough still has one. */
	if (!mdts || mdts > 20)
		mdts = 20;
	bytes = (uint64_t)mps_min << mdts;
	if (bytes > (1u << 31))
		bytes = 1u << 31;
	return (uint32_t)bytes;
}

const char *lm_opcode_name(uint8_t opcode)
{
	switch (opcode) {
	case LM_OPC_IDENTIFY:		return "identify";
	case LM_OPC_SET_FEATURES:	return "set-features";
	case LM_OPC_GET_FEATURES:	return "get-features";
	case LM_OPC_VIRT_MGMT:		return "virt-mgmt";
	case LM_OPC_TRACK_SEND:		return "track-send";
	case LM_OPC_TRACK_RECV:		return "track-receive";
	case LM_OPC_MIGRATION_SEND:	return "migration-send";
	case LM_OPC_MIGRATION_RECV:	return "migration-receive";
	case LM_OPC_CDQ:		return "controller-data-queue";
	case LM_OPC_VS_QUERY_SIZE:	return "vs-query-state-size";
	case LM_OPC_VS_SUSPEND:		return "vs-suspend";
	case LM_OPC_VS_RESUME:		return "vs-resume";
	case LM_OPC_VS_SAVE:		return "vs-save-state";
	case LM_OPC_VS_LOAD:		return "vs-load-state";
	default:			return "unknown";
	}
}

bool lm_opcode_is_lm(uint8_t opcode)
{
	switch (opcode) {
	case LM_OPC_TRACK_SEND:
	case LM_OPC_TRACK_RECV:
	case LM_OPC_MIGRATION_SEND:
	case LM_OPC_MIGRATION_RECV:
	case LM_OPC_CDQ:
	case LM_OPC_VS_QUERY_SIZE:
	case LM_OPC_VS_SUSPEND:
	case LM_OPC_VS_RESUME:
	case LM_OPC_VS_SAVE:
	case LM_OPC_VS_LOAD:
		return true;
	default:
		return false;
	}
}
