// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "lm-cmd.h"

/*
 * Every field this file puts in a command dword, by name: FIELD_SHIFT is
 * its lowest bit, FIELD_MASK its width (unshifted), as libnvme names them.
 * LM_SET(v, FIELD) places v in its field; bits beyond the width are dropped.
 */
#define LM_SET(v, f)	(((uint32_t)(v) & f##_MASK) << f##_SHIFT)

/* CDW10 of Migration Send/Receive, CDQ and Track Send: SEL and MOS. */
#define LM_CDW10_SEL_SHIFT		0
#define LM_CDW10_SEL_MASK		0xff
#define LM_CDW10_MOS_SHIFT		16
#define LM_CDW10_MOS_MASK		0xffff
/* CDW10 of Identify; of the vendor profile's commands. */
#define LM_IDENTIFY_CDW10_CNS_SHIFT	0
#define LM_IDENTIFY_CDW10_CNS_MASK	0xff
#define LM_IDENTIFY_CDW10_CNTID_SHIFT	16
#define LM_IDENTIFY_CDW10_CNTID_MASK	0xffff
#define LM_VS_CDW10_VF_SHIFT		0
#define LM_VS_CDW10_VF_MASK		0xffff
/* Migration Send, MOS: SEQIND of Set Controller State. */
#define LM_MSEND_MOS_SEQIND_SHIFT	0
#define LM_MSEND_MOS_SEQIND_MASK	0x3
/* Migration Send, CDW11: Suspend and Resume. */
#define LM_MSEND_CDW11_CNTLID_SHIFT	0
#define LM_MSEND_CDW11_CNTLID_MASK	0xffff
#define LM_MSEND_CDW11_STYPE_SHIFT	16
#define LM_MSEND_CDW11_STYPE_MASK	0xff
#define LM_MSEND_CDW11_DUDMQ_SHIFT	31
#define LM_MSEND_CDW11_DUDMQ_MASK	0x1
/* Migration Send, CDW11: Set Controller State. */
#define LM_MSEND_CDW11_CSVI_SHIFT	16
#define LM_MSEND_CDW11_CSVI_MASK	0xff
#define LM_MSEND_CDW11_CSUUIDI_SHIFT	24
#define LM_MSEND_CDW11_CSUUIDI_MASK	0xff
/* Migration Receive, CDW11: Get Controller State (CSVI is its MOS). */
#define LM_MRECV_CDW11_CNTLID_SHIFT	0
#define LM_MRECV_CDW11_CNTLID_MASK	0xffff
#define LM_MRECV_CDW11_CSUUIDI_SHIFT	16
#define LM_MRECV_CDW11_CSUUIDI_MASK	0xff
#define LM_MRECV_CDW11_CSUIDXP_SHIFT	24
#define LM_MRECV_CDW11_CSUIDXP_MASK	0xff
/* Both: CDW12/13 the offset, CDW14 the UUID index, CDW15 NUMD. */
#define LM_MIG_CDW14_UIDX_SHIFT		0
#define LM_MIG_CDW14_UIDX_MASK		0x7f
/* Controller Data Queue, create: MOS is the queue type; CDW11. */
#define LM_CDQ_CDW11_PC_SHIFT		0
#define LM_CDQ_CDW11_PC_MASK		0x1
#define LM_CDQ_CDW11_CNTLID_SHIFT	16
#define LM_CDQ_CDW11_CNTLID_MASK	0xffff
#define LM_CDQ_CDW11_CDQID_SHIFT	0
#define LM_CDQ_CDW11_CDQID_MASK		0xffff
/* Set Features 21h, CDW11. */
#define LM_FEAT_CDQ_CDW11_CDQID_SHIFT	0
#define LM_FEAT_CDQ_CDW11_CDQID_MASK	0xffff
#define LM_FEAT_CDQ_CDW11_ETPT_SHIFT	31
#define LM_FEAT_CDQ_CDW11_ETPT_MASK	0x1
/* Track Send: MOS holds LACT; CDW11 the queue. */
#define LM_TRACK_MOS_LACT_SHIFT		0
#define LM_TRACK_MOS_LACT_MASK		0xf
#define LM_TRACK_CDW11_CDQID_SHIFT	0
#define LM_TRACK_CDW11_CDQID_MASK	0xffff

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
	return LM_SET(sel, LM_CDW10_SEL) | LM_SET(mos, LM_CDW10_MOS);
}

void lm_enc_suspend(struct lm_cmd *c, uint16_t cntlid,
		    enum lm_suspend_type stype, bool dudmq)
{
	cmd_init(c, LM_OPC_MIGRATION_SEND);
	c->cdw10 = sel_mos(LM_MSEND_SUSPEND, 0);
	c->cdw11 = LM_SET(cntlid, LM_MSEND_CDW11_CNTLID) |
		   LM_SET(stype, LM_MSEND_CDW11_STYPE) |
		   LM_SET(dudmq, LM_MSEND_CDW11_DUDMQ);
}

void lm_enc_resume(struct lm_cmd *c, uint16_t cntlid)
{
	cmd_init(c, LM_OPC_MIGRATION_SEND);
	c->cdw10 = sel_mos(LM_MSEND_RESUME, 0);
	c->cdw11 = LM_SET(cntlid, LM_MSEND_CDW11_CNTLID);
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
	c->cdw10 = sel_mos(LM_MSEND_SET_STATE,
			   LM_SET(seqind, LM_MSEND_MOS_SEQIND));
	c->cdw11 = LM_SET(x->cntlid, LM_MSEND_CDW11_CNTLID) |
		   LM_SET(x->csvi, LM_MSEND_CDW11_CSVI) |
		   LM_SET(x->csuuidi, LM_MSEND_CDW11_CSUUIDI);
	c->cdw12 = (uint32_t)x->offset;
	c->cdw13 = (uint32_t)(x->offset >> 32);
	c->cdw14 = LM_SET(x->uidx, LM_MIG_CDW14_UIDX);
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
	c->cdw11 = LM_SET(x->cntlid, LM_MRECV_CDW11_CNTLID) |
		   LM_SET(x->csuuidi, LM_MRECV_CDW11_CSUUIDI) |
		   LM_SET(x->csuidxp, LM_MRECV_CDW11_CSUIDXP);
	c->cdw12 = (uint32_t)x->offset;
	c->cdw13 = (uint32_t)(x->offset >> 32);
	c->cdw14 = LM_SET(x->uidx, LM_MIG_CDW14_UIDX);
	c->cdw15 = numd_0based(x->len);
	cmd_data(c, LM_DIR_FROM_DEV, x->buf, x->len);
	return 0;
}

void lm_enc_cdq_create(struct lm_cmd *c, uint16_t cntlid, uint8_t qt,
		       bool pc, uint32_t size_dw, void *buf)
{
	cmd_init(c, LM_OPC_CDQ);
	c->cdw10 = sel_mos(LM_CDQ_CREATE, qt);
	c->cdw11 = LM_SET(pc, LM_CDQ_CDW11_PC) |
		   LM_SET(cntlid, LM_CDQ_CDW11_CNTLID);
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
	c->cdw11 = LM_SET(cdqid, LM_CDQ_CDW11_CDQID);
}

void lm_enc_cdq_set_head(struct lm_cmd *c, uint16_t cdqid, uint32_t head,
			 bool etpt, uint32_t tpt)
{
	cmd_init(c, LM_OPC_SET_FEATURES);
	c->cdw10 = LM_FID_CDQ;
	c->cdw11 = LM_SET(cdqid, LM_FEAT_CDQ_CDW11_CDQID) |
		   LM_SET(etpt, LM_FEAT_CDQ_CDW11_ETPT);
	c->cdw12 = head;
	c->cdw13 = tpt;
}

void lm_enc_cdq_get(struct lm_cmd *c, uint16_t cdqid, void *buf8)
{
	cmd_init(c, LM_OPC_GET_FEATURES);
	c->cdw10 = LM_FID_CDQ;
	c->cdw11 = LM_SET(cdqid, LM_FEAT_CDQ_CDW11_CDQID);
	cmd_data(c, LM_DIR_FROM_DEV, buf8, 8);
}

void lm_enc_track_user_data(struct lm_cmd *c, uint16_t cdqid,
			    enum lm_track_lact lact)
{
	cmd_init(c, LM_OPC_TRACK_SEND);
	c->cdw10 = sel_mos(LM_TRACK_USER_DATA, LM_SET(lact, LM_TRACK_MOS_LACT));
	c->cdw11 = LM_SET(cdqid, LM_TRACK_CDW11_CDQID);
}

void lm_enc_identify(struct lm_cmd *c, uint8_t cns, uint16_t cntid,
		     void *buf4k)
{
	cmd_init(c, LM_OPC_IDENTIFY);
	c->cdw10 = LM_SET(cns, LM_IDENTIFY_CDW10_CNS) |
		   LM_SET(cntid, LM_IDENTIFY_CDW10_CNTID);
	cmd_data(c, LM_DIR_FROM_DEV, buf4k, 4096);
}

static void vs_init(struct lm_cmd *c, uint8_t opcode, uint16_t vf)
{
	cmd_init(c, opcode);
	c->cdw10 = LM_SET(vf, LM_VS_CDW10_VF);
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
