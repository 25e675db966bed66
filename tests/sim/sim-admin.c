// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ordinary admin commands a PF and its VFs answer: Identify, Get Log
 * Page, Get/Set Features, Virtualization Management, Namespace Attachment.
 * Live migration is in sim-lm.c.
 */
#include <string.h>

#include "sim.h"
#include "sim-le.h"

static void put_str(uint8_t *dst, const char *s, size_t len)
{
	size_t n = strlen(s);

	memset(dst, ' ', len);
	memcpy(dst, s, n < len ? n : len);
}

static bool ns_visible(const struct sim_ns *ns, const struct sim_ctrl *ctrl)
{
	return ns->attached & (1ull << ctrl->index);
}

static struct sim_ns *ns_by_id(struct sim_pf *pf, uint32_t nsid)
{
	return nsid >= 1 && nsid <= pf->nns ? &pf->ns[nsid - 1] : NULL;
}

static void id_ctrl(struct sim_ctrl *ctrl, uint8_t *d)
{
	struct sim_pf *pf = ctrl->pf;
	bool lm = pf->profile == SIM_PROFILE_TP4159 && !ctrl->index;

	w16(d + 0, pf->vid);
	w16(d + 2, pf->ssvid);
	put_str(d + 4, pf->sn, 20);
	put_str(d + 24, pf->mn, 40);
	put_str(d + 64, pf->fr, 8);
	d[77] = pf->mdts;
	w16(d + 78, ctrl->cntlid);
	w32(d + 80, 0x00020100);		/* NVMe 2.1 */
	d[111] = 1;				/* I/O controller */
	/* OACS: namespace management (3), virtualization management (7), HMLMS (11) */
	w16(d + 256, (!ctrl->index ? (1 << 3) | (1 << 7) : 0) | (lm ? 1 << 11 : 0));
	d[258] = 3;
	d[259] = 3;
	d[512] = 0x66;				/* SQES */
	d[513] = 0x44;				/* CQES */
	w32(d + 516, pf->nns);			/* NN */
	if (lm) {
		w16(d + 570, 100);		/* CMMRTD */
		w16(d + 572, 100);		/* NMMRTD */
		d[574] = 1;			/* MINMRTG */
		d[575] = 100;			/* MAXMRTG */
		d[576] = 0x2;			/* TRATTR: TUDCS */
		w16(d + 578, 1);		/* MCUDMQ */
		w16(d + 580, SIM_MAX_CDQ);	/* MNSUDMQ */
		w16(d + 582, 1);		/* MCMR */
		w16(d + 584, 1);		/* NMCMR */
		w16(d + 586, 1);		/* MCDQPC */
	}
	snprintf((char *)d + 768, 256, "nqn.2024-07.io.lmsim:pf%u", pf->idx);
	if (pf->profile == SIM_PROFILE_VENDOR && !ctrl->index)
		d[3072] = 0x01;			/* vendor migration support */
}

static void id_primary_caps(struct sim_ctrl *ctrl, uint8_t *d)
{
	struct sim_pf *pf = ctrl->pf;

	w16(d + 0, ctrl->cntlid);
	d[4] = 0x3;				/* CRT: VQ and VI */
	w32(d + 32, 64 + pf->nvf * 9);		/* VQFRT */
	w32(d + 36, pf->nvf * 9);		/* VQRFA */
	w16(d + 42, 64);			/* VQPRT */
	w16(d + 44, 2);				/* VQFRSM */
	w16(d + 46, 1);				/* VQGRAN */
	w32(d + 64, 32 + pf->nvf);		/* VIFRT */
	w32(d + 68, pf->nvf);			/* VIRFA */
	w16(d + 74, 32);			/* VIPRT */
	w16(d + 76, 1);				/* VIFRSM */
	w16(d + 78, 1);				/* VIGRAN */
}

static void id_secondary_list(struct sim_ctrl *ctrl, uint16_t from, uint8_t *d)
{
	struct sim_pf *pf = ctrl->pf;
	unsigned int i, n = 0;
	uint8_t *e;

	for (i = 1; i <= pf->nvf && n < 127; i++) {
		struct sim_ctrl *vf = &pf->ctrl[i];

		if (vf->cntlid < from)
			continue;
		e = d + 32 + 32 * n++;
		w16(e + 0, vf->cntlid);
		w16(e + 2, pf->ctrl[0].cntlid);
		e[4] = vf->online ? 1 : 0;
		w16(e + 8, vf->vfn);
		w16(e + 10, vf->nvq);
		w16(e + 12, vf->nvi);
	}
	d[0] = n;
}

static void id_state_formats(const struct sim_pf *pf, uint8_t *d)
{
	unsigned int i;

	d[0] = pf->nver;	/* NVMe-defined versions ... */
	d[1] = 0;		/* ... and no vendor UUIDs */
	for (i = 0; i < pf->nver; i++)
		w16(d + 2 + 2 * i, pf->ver[i]);
}

static void id_ns(struct sim_ns *ns, uint8_t *d)
{
	w64(d + 0, ns->nsze);
	w64(d + 8, ns->nsze);
	w64(d + 16, ns->nsze);
	d[25] = 0;		/* NLBAF: one format */
	d[26] = 0;		/* FLBAS: format 0 */
	d[128 + 2] = ns->lba_shift;
}

static uint32_t identify(struct sim_cmd *c)
{
	struct sim_ctrl *ctrl = c->ctrl;
	uint8_t cns = c->cdw10 & 0xff;
	struct sim_ns *ns;
	unsigned int i, n = 0;

	if (c->data_len < 4096)
		return SIM_INVALID_FIELD;
	memset(c->data, 0, 4096);
	c->out_len = 4096;
	switch (cns) {
	case SIM_CNS_NS:
		ns = ns_by_id(ctrl->pf, c->nsid);
		if (!ns || !ns_visible(ns, ctrl))
			return SIM_INVALID_NS;
		id_ns(ns, c->data);
		return SIM_OK;
	case SIM_CNS_CTRL:
		id_ctrl(ctrl, c->data);
		return SIM_OK;
	case SIM_CNS_NS_LIST:
		for (i = 0; i < ctrl->pf->nns && n < 1024; i++) {
			ns = &ctrl->pf->ns[i];
			if (ns->nsid > c->nsid && ns_visible(ns, ctrl))
				w32(c->data + 4 * n++, ns->nsid);
		}
		return SIM_OK;
	case SIM_CNS_PRIMARY_CAPS:
		if (ctrl->index)
			return SIM_INVALID_FIELD;
		id_primary_caps(ctrl, c->data);
		return SIM_OK;
	case SIM_CNS_SECONDARY_LIST:
		if (ctrl->index)
			return SIM_INVALID_FIELD;
		id_secondary_list(ctrl, c->cdw10 >> 16, c->data);
		return SIM_OK;
	case SIM_CNS_STATE_FORMATS:
		if (ctrl->index || ctrl->pf->profile != SIM_PROFILE_TP4159)
			return SIM_INVALID_FIELD;
		id_state_formats(ctrl->pf, c->data);
		return SIM_OK;
	default:
		c->out_len = 0;
		return SIM_INVALID_FIELD;
	}
}

static const uint8_t supported_admin[] = {
	SIM_OPC_GET_LOG, SIM_OPC_IDENTIFY, SIM_OPC_SET_FEATURES,
	SIM_OPC_GET_FEATURES, SIM_OPC_NS_ATTACH, SIM_OPC_VIRT_MGMT,
	SIM_OPC_TRACK_SEND, SIM_OPC_MIGRATION_SEND, SIM_OPC_MIGRATION_RECV,
	SIM_OPC_CDQ,
};

static uint32_t get_log(struct sim_cmd *c)
{
	uint8_t lid = c->cdw10 & 0xff;
	uint64_t len = ((((uint64_t)c->cdw11 & 0xffff) << 16 |
			(c->cdw10 >> 16)) + 1) * 4;
	uint64_t off = c->cdw12 | (uint64_t)c->cdw13 << 32;
	uint8_t page[4096] = { 0 };
	size_t page_len;
	unsigned int i;

	switch (lid) {
	case SIM_LID_ERROR:		/* no errors */
		page_len = 64;
		break;
	case SIM_LID_SMART:
		w16(page + 1, 300);	/* 27 C */
		page[3] = 100;
		page_len = 512;
		break;
	case SIM_LID_EFFECTS:		/* commands supported */
		for (i = 0; i < sizeof(supported_admin); i++)
			w32(page + 4 * supported_admin[i], 1);
		page_len = 4096;
		break;
	default:
		return SIM_INVALID_FIELD;
	}
	if (len > c->data_len || off > page_len)
		return SIM_INVALID_FIELD;
	memset(c->data, 0, len);
	memcpy(c->data, page + off, page_len - off < len ? page_len - off : len);
	c->out_len = len;
	return SIM_OK;
}

static uint32_t features(struct sim_cmd *c, bool set)
{
	uint8_t fid = c->cdw10 & 0xff;
	struct sim_ctrl *ctrl = c->ctrl;

	if (fid == SIM_FID_CDQ) {
		if (ctrl->index || ctrl->pf->profile != SIM_PROFILE_TP4159)
			return SIM_INVALID_FIELD;
		return set ? sim_cdq_set_feature(c) : sim_cdq_get_feature(c);
	}
	if (fid == SIM_FID_NUM_QUEUES && !set) {
		c->result = (uint32_t)(ctrl->nvq - 2) << 16 | (ctrl->nvq - 2);
		return SIM_OK;
	}
	return SIM_INVALID_FIELD;
}

static uint32_t virt_mgmt(struct sim_cmd *c)
{
	uint8_t act = c->cdw10 & 0xf, rt = (c->cdw10 >> 8) & 0x7;
	uint16_t nr = c->cdw11 & 0xffff;
	struct sim_ctrl *vf;

	if (c->ctrl->index)
		return SIM_INVALID_OPCODE;
	vf = sim_ctrl_by_cntlid(c->ctrl->pf, c->cdw10 >> 16);
	if (act == 1)			/* primary flexible allocation */
		return vf == c->ctrl ? SIM_OK : SIM_INVALID_CTRL_ID;
	if (!vf || !vf->index)
		return SIM_INVALID_CTRL_ID;
	switch (act) {
	case 7:
		vf->online = false;
		return SIM_OK;
	case 8:
		if (vf->online)
			return SIM_INVALID_SEC_STATE;
		if (rt > 1)
			return SIM_INVALID_FIELD;
		if (rt == 0)
			vf->nvq = nr;
		else
			vf->nvi = nr;
		c->result = nr;
		return SIM_OK;
	case 9:
		/* An admin queue and one I/O queue, and one interrupt. */
		if (vf->nvq < 2 || vf->nvi < 1)
			return SIM_INVALID_SEC_STATE;
		vf->online = true;
		return SIM_OK;
	default:
		return SIM_INVALID_FIELD;
	}
}

static uint32_t ns_attach(struct sim_cmd *c)
{
	struct sim_ns *ns = ns_by_id(c->ctrl->pf, c->nsid);
	uint8_t sel = c->cdw10 & 0xf;
	uint64_t mask = 0;
	struct sim_ctrl *t;
	unsigned int i, n;

	if (c->ctrl->index)
		return SIM_INVALID_OPCODE;
	if (!ns)
		return SIM_INVALID_NS;
	if (c->data_len < 4096 || sel > 1)
		return SIM_INVALID_FIELD;
	n = r16(c->data);
	if (!n || n > 2047)
		return SIM_INVALID_FIELD;
	for (i = 0; i < n; i++) {
		t = sim_ctrl_by_cntlid(c->ctrl->pf, r16(c->data + 2 + 2 * i));
		if (!t)
			return SIM_INVALID_CTRL_ID;
		mask |= 1ull << t->index;
	}
	if (sel == 0)
		ns->attached |= mask;
	else
		ns->attached &= ~mask;
	return SIM_OK;
}

/* One admin command on the controller it reached: its completion status. */
uint32_t sim_admin(struct sim_cmd *c)
{
	if (c->data_len > (4096u << c->ctrl->pf->mdts))
		return SIM_INVALID_FIELD;	/* beyond MDTS */
	switch (c->opcode) {
	case SIM_OPC_GET_LOG:
		return get_log(c);
	case SIM_OPC_IDENTIFY:
		return identify(c);
	case SIM_OPC_SET_FEATURES:
		return features(c, true);
	case SIM_OPC_GET_FEATURES:
		return features(c, false);
	case SIM_OPC_NS_ATTACH:
		return ns_attach(c);
	case SIM_OPC_VIRT_MGMT:
		return virt_mgmt(c);
	case SIM_OPC_TRACK_SEND:
	case SIM_OPC_TRACK_RECV:
	case SIM_OPC_MIGRATION_SEND:
	case SIM_OPC_MIGRATION_RECV:
	case SIM_OPC_CDQ:
		return sim_lm(c);
	case SIM_OPC_VENDOR_STATE_SIZE:
	case SIM_OPC_VENDOR_SUSPEND:
	case SIM_OPC_VENDOR_RESUME:
	case SIM_OPC_VENDOR_SAVE:
	case SIM_OPC_VENDOR_LOAD:
		return sim_vendor(c);
	default:
		return SIM_INVALID_OPCODE;
	}
}
