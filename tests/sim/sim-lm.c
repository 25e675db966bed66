// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/*
 * The live-migration side of the device: controller state, suspend and
 * resume, the controller data queue and change logging, and the vendor
 * profile's opcodes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "sim.h"
#include "sim-buf.h"
#include "sim-le.h"

#define HDR_LEN		48
#define NVME_HDR_LEN	8
#define QENT_LEN	24
#define CDQ_ENTRY_LEN	32
#define MAX_STATE	(1ull << 30)
#define PFN_MASK	((1ull << 55) - 1)

#define ESA_FIRST	1
#define ESA_STOPPED	2
#define ESA_SUSPENDED	3
#define ESA_FULL	7
#define LBACIR_RANGE	0
#define LBACIR_NONE	2

_Static_assert(SIM_STATE_HEAD_MAX == HDR_LEN + NVME_HDR_LEN + 2 * QENT_LEN * SIM_MAX_Q,
	       "sim_ctrl's snap holds a header and every queue's entry");

/* The vendor part a controller starts with: reproducible, and its own. */
static void vendor_pattern(struct sim_ctrl *ctrl, uint8_t *p, uint64_t len)
{
	uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)ctrl->pf->idx << 32 ^
		     ctrl->cntlid;
	uint64_t i;

	for (i = 0; i < len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, len - i < 8 ? len - i : 8);
	}
}

/* The vendor part, made once, when first needed; NULL: no memory. */
static const uint8_t *vendor_part(struct sim_ctrl *ctrl)
{
	if (!ctrl->vendor_ready) {
		if (sim_buf_reserve(&ctrl->vendor, &ctrl->vendor_cap, ctrl->vendor_len))
			return NULL;
		vendor_pattern(ctrl, ctrl->vendor, ctrl->vendor_len);
		ctrl->vendor_ready = true;
	}
	return ctrl->vendor;
}

static uint64_t state_len(const struct sim_ctrl *ctrl)
{
	return HDR_LEN + NVME_HDR_LEN +
	       (uint64_t)QENT_LEN * (ctrl->nsq + ctrl->ncq) + ctrl->vendor_len;
}

void sim_ctrl_init_state(struct sim_ctrl *ctrl)
{
	struct sim_pf *pf = ctrl->pf;
	unsigned int i, n = ctrl->index ? pf->queues : 0;

	ctrl->nsq = ctrl->ncq = n;
	for (i = 0; i < n; i++) {
		uint64_t base = 0x100000000ull + ((uint64_t)ctrl->cntlid << 24) +
				((uint64_t)(i + 1) << 16);

		ctrl->sq[i] = (struct sim_sq){ .prp1 = base, .qsize = 63,
			.qid = i + 1, .cqid = i + 1, .attr = 1 };
		ctrl->cq[i] = (struct sim_cq){ .prp1 = base + 0x8000,
			.qsize = 63, .qid = i + 1,
			.attr = 0x3 | (uint32_t)(i + 1) << 16 };
	}
	ctrl->vendor_ready = false;
	ctrl->vendor_len = ctrl->index ? pf->vendor_state : 0;
	/*
	 * A device keeps its state in memory of its own from the start: made
	 * and touched now, with room for a state coming in, so that the first
	 * migration's downtime does not pay for it. Without the memory now,
	 * both are tried again when needed.
	 */
	vendor_part(ctrl);
	if (!sim_buf_reserve(&ctrl->in, &ctrl->in_cap, SIM_STATE_HEAD_MAX + ctrl->vendor_len))
		sim_buf_touch(ctrl->in, ctrl->in_cap);
}


/*
 * The controller's state as Get Controller State returns it, frozen: its
 * header and queue entries copied, the vendor part made if it never was.
 * CSVI 0 selects no NVMe-defined state: the header alone, with both sizes
 * 0 (what Samsung's QEMU model answers too).
 */
static int snapshot(struct sim_ctrl *ctrl, bool header_only)
{
	uint64_t nvme = NVME_HDR_LEN + (uint64_t)QENT_LEN * (ctrl->nsq + ctrl->ncq);
	uint8_t *b = ctrl->snap, *q;
	unsigned int i;

	ctrl->snap_len = 0;
	if (!header_only && ctrl->vendor_len && !vendor_part(ctrl))
		return -ENOMEM;
	ctrl->snap_head = header_only ? HDR_LEN : HDR_LEN + nvme;
	memset(b, 0, ctrl->snap_head);
	w16(b, 0);
	b[2] = ctrl->state == SIM_SUSPENDED ? 1 : 0;
	ctrl->snap_hdr_only = header_only;
	if (header_only) {
		ctrl->snap_len = HDR_LEN;
		return 0;
	}
	w64(b + 16, nvme / 4);
	w64(b + 32, ctrl->vendor_len / 4);
	q = b + HDR_LEN;
	w16(q, 0);
	w16(q + 2, ctrl->nsq);
	w16(q + 4, ctrl->ncq);
	q += NVME_HDR_LEN;
	for (i = 0; i < ctrl->nsq; i++, q += QENT_LEN) {
		const struct sim_sq *sq = &ctrl->sq[i];

		w64(q, sq->prp1);
		w16(q + 8, sq->qsize);
		w16(q + 10, sq->qid);
		w16(q + 12, sq->cqid);
		w16(q + 14, sq->attr);
		w16(q + 16, sq->head);
		w16(q + 18, sq->tail);
	}
	for (i = 0; i < ctrl->ncq; i++, q += QENT_LEN) {
		const struct sim_cq *cq = &ctrl->cq[i];

		w64(q, cq->prp1);
		w16(q + 8, cq->qsize);
		w16(q + 10, cq->qid);
		w16(q + 12, cq->head);
		w16(q + 14, cq->tail);
		w32(q + 16, cq->attr);
	}
	ctrl->snap_len = state_len(ctrl);
	return 0;
}

/* Bytes [off, off + n) of the snapshot, which holds them, into dst. */
static void snapshot_read(const struct sim_ctrl *ctrl, uint64_t off,
			  uint8_t *dst, uint64_t n)
{
	uint64_t k;

	if (off < ctrl->snap_head) {
		k = ctrl->snap_head - off < n ? ctrl->snap_head - off : n;
		memcpy(dst, ctrl->snap + off, k);
		dst += k;
		off += k;
		n -= k;
	}
	if (n)
		memcpy(dst, ctrl->vendor + (off - ctrl->snap_head), n);
}

/* Transfers in progress end; their buffers are kept for the next. */
static void drop_transfers(struct sim_ctrl *ctrl)
{
	ctrl->snap_len = 0;
	ctrl->in_len = ctrl->in_next = 0;
}

/*
 * Check a complete state blob and, if it adds up, make it the controller's.
 * Every size and queue identifier must agree; nothing is changed otherwise.
 */
static uint32_t load_state(struct sim_ctrl *ctrl, const uint8_t *b, uint64_t len)
{
	uint64_t nvme, vendor, want;
	const uint8_t *q;
	struct sim_sq sq[SIM_MAX_Q];
	struct sim_cq cq[SIM_MAX_Q];
	unsigned int nsq, ncq, i, j;
	bool found;

	if (len < HDR_LEN || r16(b) != 0 || r64(b + 24) || r64(b + 40))
		return SIM_INVALID_FIELD;
	nvme = r64(b + 16) * 4;
	vendor = r64(b + 32) * 4;
	if (nvme > MAX_STATE || vendor > MAX_STATE ||
	    HDR_LEN + nvme + vendor != len || nvme < NVME_HDR_LEN)
		return SIM_INVALID_FIELD;
	q = b + HDR_LEN;
	nsq = r16(q + 2);
	ncq = r16(q + 4);
	if (r16(q) != 0 || nsq > SIM_MAX_Q || ncq > SIM_MAX_Q ||
	    NVME_HDR_LEN + (uint64_t)QENT_LEN * (nsq + ncq) != nvme)
		return SIM_INVALID_FIELD;
	q += NVME_HDR_LEN;
	for (i = 0; i < nsq; i++, q += QENT_LEN)
		sq[i] = (struct sim_sq){ .prp1 = r64(q), .qsize = r16(q + 8),
			.qid = r16(q + 10), .cqid = r16(q + 12),
			.attr = r16(q + 14), .head = r16(q + 16),
			.tail = r16(q + 18) };
	for (i = 0; i < ncq; i++, q += QENT_LEN)
		cq[i] = (struct sim_cq){ .prp1 = r64(q), .qsize = r16(q + 8),
			.qid = r16(q + 10), .head = r16(q + 12),
			.tail = r16(q + 14), .attr = r32(q + 16) };
	for (i = 0; i < ncq; i++) {
		if (!cq[i].qid || cq[i].qid >= ctrl->nvq ||
		    cq[i].head > cq[i].qsize || cq[i].tail > cq[i].qsize)
			return SIM_INVALID_FIELD;
		for (j = 0; j < i; j++)
			if (cq[j].qid == cq[i].qid)
				return SIM_INVALID_FIELD;
	}
	for (i = 0; i < nsq; i++) {
		if (!sq[i].qid || sq[i].qid >= ctrl->nvq ||
		    sq[i].head > sq[i].qsize || sq[i].tail > sq[i].qsize)
			return SIM_INVALID_FIELD;
		for (j = 0; j < i; j++)
			if (sq[j].qid == sq[i].qid)
				return SIM_INVALID_FIELD;
		for (j = 0, found = false; j < ncq && !found; j++)
			found = cq[j].qid == sq[i].cqid;
		if (!found)
			return SIM_INVALID_FIELD;
	}
	/* Growing the buffer is the only step that can fail: it comes first. */
	if (sim_buf_reserve(&ctrl->vendor, &ctrl->vendor_cap, vendor))
		return SIM_INTERNAL;
	want = HDR_LEN + nvme;
	if (vendor)
		memcpy(ctrl->vendor, b + want, vendor);
	ctrl->vendor_len = vendor;
	ctrl->vendor_ready = true;
	ctrl->nsq = nsq;
	ctrl->ncq = ncq;
	memcpy(ctrl->sq, sq, sizeof(sq[0]) * nsq);
	memcpy(ctrl->cq, cq, sizeof(cq[0]) * ncq);
	/* A snapshot taken before would read the new vendor part. */
	ctrl->snap_len = 0;
	ctrl->loads++;
	return SIM_OK;
}

/* ---- the controller data queue ---- */

static struct sim_cdq *cdq_by_id(struct sim_pf *pf, uint16_t id)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_CDQ; i++)
		if (pf->cdq[i].used && pf->cdq[i].id == id)
			return &pf->cdq[i];
	return NULL;
}

static struct sim_cdq *cdq_of(struct sim_ctrl *ctrl)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_CDQ; i++)
		if (ctrl->pf->cdq[i].used && ctrl->pf->cdq[i].logged == ctrl)
			return &ctrl->pf->cdq[i];
	return NULL;
}

static uint32_t cdq_used(const struct sim_cdq *q)
{
	return (q->tail + q->entries - q->head) % q->entries;
}

/*
 * Write one entry into the host's memory, attribute byte last, the way a
 * device's DMA makes a whole entry visible only when its phase flips. A
 * process that is gone breaks the queue for good.
 */
static int cdq_write(struct sim_cdq *q, uint32_t nsid, uint64_t slba,
		     uint32_t nlb0, uint8_t esa, uint8_t lbacir)
{
	uint8_t e[CDQ_ENTRY_LEN] = { 0 };
	struct iovec local, remote;
	uint64_t at = q->addr + (uint64_t)q->tail * CDQ_ENTRY_LEN;

	if (q->broken)
		return -EFAULT;
	if ((uint64_t)(q->tail + 1) * CDQ_ENTRY_LEN > q->contig ||
	    q->logged->pf->mute_cdq) {
		/*
		 * Past the physically contiguous part: the DMA lands in some
		 * other page of the machine, never in the owner's buffer.
		 */
		q->stray++;
		goto advance;
	}
	w32(e, nsid);
	w32(e + 4, nlb0);
	w64(e + 8, slba);
	e[31] = q->phase | esa << 1 | lbacir << 6;
	local = (struct iovec){ e, 31 };
	remote = (struct iovec){ (void *)(uintptr_t)at, 31 };
	if (process_vm_writev(q->pid, &local, 1, &remote, 1, 0) != 31)
		goto broken;
	local = (struct iovec){ e + 31, 1 };
	remote = (struct iovec){ (void *)(uintptr_t)(at + 31), 1 };
	if (process_vm_writev(q->pid, &local, 1, &remote, 1, 0) != 1)
		goto broken;
advance:
	if (++q->tail == q->entries) {
		q->tail = 0;
		q->phase ^= 1;
	}
	return 0;
broken:
	q->broken = true;
	q->logging = false;
	return -EFAULT;
}

/* Post an entry; the last free slot is kept for the "queue full" entry. */
static void cdq_post(struct sim_cdq *q, uint32_t nsid, uint64_t slba,
		     uint32_t nlb0, uint8_t esa, uint8_t lbacir)
{
	uint32_t used = cdq_used(q);

	if (used >= q->entries - 1)
		return;
	if (used == q->entries - 2 && esa == 0) {
		cdq_write(q, 0, 0, 0, ESA_FULL, LBACIR_NONE);
		q->logging = false;
		return;
	}
	cdq_write(q, nsid, slba, nlb0, esa, lbacir);
}

void sim_cdq_log_write(struct sim_ctrl *ctrl, uint32_t nsid, uint64_t slba,
		       uint32_t nlb)
{
	struct sim_cdq *q = cdq_of(ctrl);

	if (q && q->logging && nlb)
		cdq_post(q, nsid, slba, nlb - 1, 0, LBACIR_RANGE);
}

/*
 * How much of the owner's buffer is one physically contiguous block from
 * its start, as /proc/PID/pagemap shows the frames (root only: others see
 * frame 0, and then contiguity cannot be modelled).
 */
static void cdq_measure(struct sim_cdq *q, uint64_t len)
{
	uint64_t first = q->addr / SIM_PAGE, last = (q->addr + len - 1) / SIM_PAGE;
	uint64_t e, pfn0 = 0, i;
	char path[64];
	int fd;

	q->contig = len;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)q->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		q->contig_unknown = true;
		return;
	}
	for (i = 0; first + i <= last; i++) {
		if (pread(fd, &e, sizeof(e), (first + i) * sizeof(e)) != sizeof(e) ||
		    ((e >> 63) && !(e & PFN_MASK))) {
			q->contig_unknown = true;
			break;
		}
		if (!(e >> 63) || (i && (e & PFN_MASK) != pfn0 + i)) {
			q->contig = (first + i) * SIM_PAGE - q->addr;
			break;
		}
		if (!i)
			pfn0 = e & PFN_MASK;
	}
	close(fd);
}

static void cdq_delete(struct sim_cdq *q)
{
	memset(q, 0, sizeof(*q));
}

static uint32_t cdq_cmd(struct sim_pf *pf, struct sim_cmd *c)
{
	uint8_t sel = c->cdw10 & 0xff, qt = (c->cdw10 >> 16) & 0xff;
	struct sim_ctrl *ctrl;
	struct sim_cdq *q = NULL;
	unsigned int i, total = 0;
	uint32_t entries;

	if (sel == 1) {
		q = cdq_by_id(pf, c->cdw11 & 0xffff);
		if (!q)
			return SIM_INVALID_CDQ;
		cdq_delete(q);
		return SIM_OK;
	}
	if (sel != 0 || qt != 0 || !(c->cdw11 & 1))
		return SIM_INVALID_FIELD;
	ctrl = sim_ctrl_by_cntlid(pf, c->cdw11 >> 16);
	if (!ctrl || !ctrl->index)
		return SIM_INVALID_CTRL_ID;
	entries = (uint64_t)c->cdw12 * 4 / CDQ_ENTRY_LEN;
	if (entries < 4 || !c->addr || (uint64_t)c->cdw12 * 4 > c->data_len)
		return SIM_INVALID_FIELD;
	for (i = 0; i < SIM_MAX_CDQ; i++) {
		if (pf->cdq[i].used)
			total++;
		else if (!q)
			q = &pf->cdq[i];
	}
	/* One user data migration queue per controller (MCUDMQ = 1). */
	if (cdq_of(ctrl) || !q || total >= SIM_MAX_CDQ)
		return SIM_NO_RESOURCES;
	/* CDQIDs count from 0, as the QEMU model numbers them. */
	*q = (struct sim_cdq){ .used = true, .id = pf->next_cdqid++,
		.logged = ctrl, .pid = c->pid, .addr = c->addr,
		.entries = entries, .phase = 1 };
	cdq_measure(q, (uint64_t)entries * CDQ_ENTRY_LEN);
	c->result = q->id;
	return SIM_OK;
}

static uint32_t track_send(struct sim_pf *pf, struct sim_cmd *c)
{
	uint8_t sel = c->cdw10 & 0xff, lact = (c->cdw10 >> 16) & 0xf;
	struct sim_cdq *q;

	if (sel != 0)
		return SIM_INVALID_FIELD;	/* no host memory tracking */
	q = cdq_by_id(pf, c->cdw11 & 0xffff);
	if (!q || q->broken)
		return SIM_INVALID_CDQ;
	switch (lact) {
	case 1:
		if (cdq_used(q) >= q->entries - 2)
			return SIM_CDQ_FULL;
		if (q->logged->state == SIM_SUSPENDED)
			return SIM_CTRL_SUSPENDED;
		q->logging = true;
		cdq_post(q, 0, 0, 0, ESA_FIRST, LBACIR_NONE);
		return SIM_OK;
	case 0:
		if (q->logging)
			cdq_post(q, 0, 0, 0, ESA_STOPPED, LBACIR_NONE);
		q->logging = false;
		return SIM_OK;
	default:
		return SIM_INVALID_FIELD;
	}
}

uint32_t sim_cdq_get_feature(struct sim_cmd *c)
{
	struct sim_cdq *q = cdq_by_id(c->ctrl->pf, c->cdw11 & 0xffff);

	if (!q)
		return SIM_INVALID_CDQ;
	if (c->data_len < 8)
		return SIM_INVALID_FIELD;
	w32(c->data, q->head);
	w32(c->data + 4, q->tpt);
	c->out_len = 8;
	return SIM_OK;
}

uint32_t sim_cdq_set_feature(struct sim_cmd *c)
{
	struct sim_cdq *q = cdq_by_id(c->ctrl->pf, c->cdw11 & 0xffff);

	if (!q)
		return SIM_INVALID_CDQ;
	if (c->cdw12 >= q->entries)
		return SIM_INVALID_FIELD;
	q->head = c->cdw12;
	q->etpt = c->cdw11 >> 31;
	q->tpt = c->cdw13;
	return SIM_OK;
}

/* ---- suspend, resume, state ---- */

static struct sim_ctrl *vf_by_cntlid(struct sim_pf *pf, uint16_t cntlid)
{
	struct sim_ctrl *ctrl = sim_ctrl_by_cntlid(pf, cntlid);

	/* A PF cannot migrate itself. */
	return ctrl && ctrl->index ? ctrl : NULL;
}

static uint32_t suspend(struct sim_ctrl *ctrl, uint8_t stype, bool dudmq)
{
	struct sim_cdq *q = cdq_of(ctrl);

	if (stype > 1)
		return SIM_INVALID_FIELD;
	if (stype == 0)
		return SIM_OK;		/* notification: nothing to stop yet */
	if (ctrl->state == SIM_SUSPENDED)
		return SIM_CTRL_SUSPENDED;
	ctrl->state = SIM_SUSPENDED;
	ctrl->ever_suspended = true;
	if (q && q->logging) {
		cdq_post(q, 0, 0, 0, ESA_SUSPENDED, LBACIR_NONE);
		q->logging = false;
	}
	if (q && dudmq)
		cdq_delete(q);
	return SIM_OK;
}

static uint32_t resume(struct sim_ctrl *ctrl)
{
	if (ctrl->state != SIM_SUSPENDED)
		return SIM_CTRL_NOT_SUSPENDED;
	ctrl->state = SIM_RUNNING;
	drop_transfers(ctrl);
	/* Commands waiting in its rings, or its arriving VM's, are fetched now. */
	sim_vf_resumed(ctrl);
	return SIM_OK;
}

/*
 * CSVI is a 1-based index into CNS 20h's list of NVMe controller state
 * versions; 0 selects none. Only version 0 is a state this device makes.
 */
static bool csvi_valid(const struct sim_pf *pf, uint8_t csvi, bool zero_ok)
{
	if (!csvi)
		return zero_ok;
	return csvi <= pf->nver && pf->ver[csvi - 1] == 0;
}

static uint32_t get_state(struct sim_ctrl *ctrl, struct sim_cmd *c)
{
	const struct sim_pf *pf = ctrl->pf;
	uint64_t off = c->cdw12 | (uint64_t)c->cdw13 << 32;
	uint64_t len = ((uint64_t)c->cdw15 + 1) * 4, n;
	uint8_t csvi = (c->cdw10 >> 16) & 0xff;
	bool suspended = ctrl->state == SIM_SUSPENDED;

	if (!suspended && !pf->answer_running)
		return SIM_CTRL_NOT_SUSPENDED;
	if (!csvi_valid(pf, csvi, true) || ((c->cdw11 >> 16) & 0xff) ||
	    len != c->data_len)
		return SIM_INVALID_FIELD;
	if (!ctrl->snap_len || off == 0 || ctrl->snap_hdr_only != !csvi)
		if (snapshot(ctrl, !csvi))
			return SIM_INTERNAL;
	if (off >= ctrl->snap_len)
		return SIM_INVALID_FIELD;
	n = ctrl->snap_len - off < len ? ctrl->snap_len - off : len;
	snapshot_read(ctrl, off, c->data, n);
	memset(c->data + n, 0, len - n);
	c->out_len = len;
	/* CSUP: the controller is suspended (some devices leave it 0). */
	c->result = pf->csup && suspended ? 1 : 0;
	return SIM_OK;
}

static uint32_t set_state(struct sim_ctrl *ctrl, struct sim_cmd *c)
{
	uint8_t seq = (c->cdw10 >> 16) & 0x3;
	uint64_t off = c->cdw12 | (uint64_t)c->cdw13 << 32;
	uint64_t len = (uint64_t)c->cdw15 * 4, total;
	uint32_t st;

	if (ctrl->state != SIM_SUSPENDED)
		return SIM_CTRL_NOT_SUSPENDED;
	/* CSVI must select an NVMe state version; no vendor UUID index. */
	if (!len || len != c->data_len ||
	    !csvi_valid(ctrl->pf, (c->cdw11 >> 16) & 0xff, false) ||
	    (c->cdw11 >> 24))
		return SIM_INVALID_FIELD;
	if (seq == 1 || seq == 3) {	/* first, entire: a new transfer */
		ctrl->in_len = ctrl->in_next = 0;
		if (off || len < HDR_LEN)
			return SIM_INVALID_FIELD;
		total = HDR_LEN + (r64(c->data + 16) + r64(c->data + 32)) * 4;
		if (r64(c->data + 24) || r64(c->data + 40) || total > MAX_STATE ||
		    r64(c->data + 16) > MAX_STATE || r64(c->data + 32) > MAX_STATE)
			return SIM_INVALID_FIELD;
		if (sim_buf_reserve(&ctrl->in, &ctrl->in_cap, total))
			return SIM_INTERNAL;
		ctrl->in_len = total;
	} else if (!ctrl->in_len) {
		return SIM_SEQ_ERROR;	/* middle or last with no first */
	}
	if (off != ctrl->in_next || len > ctrl->in_len - ctrl->in_next) {
		/* out of order, overlapping, or past the announced size */
		ctrl->in_len = ctrl->in_next = 0;
		return SIM_INVALID_FIELD;
	}
	memcpy(ctrl->in + off, c->data, len);
	ctrl->in_next += len;
	if (seq == 0 || seq == 1)
		return SIM_OK;
	st = ctrl->in_next == ctrl->in_len ?
		load_state(ctrl, ctrl->in, ctrl->in_len) : SIM_INVALID_FIELD;
	ctrl->in_len = ctrl->in_next = 0;
	ctrl->snap_len = 0;
	return st;
}

uint32_t sim_lm(struct sim_cmd *c)
{
	struct sim_pf *pf = c->ctrl->pf;
	struct sim_ctrl *ctrl;
	uint8_t sel = c->cdw10 & 0xff;

	/* Only the PF, the controlling function, migrates its VFs. */
	if (c->ctrl->index || pf->profile != SIM_PROFILE_TP4159)
		return SIM_INVALID_OPCODE;
	switch (c->opcode) {
	case SIM_OPC_CDQ:
		return cdq_cmd(pf, c);
	case SIM_OPC_TRACK_SEND:
		return track_send(pf, c);
	case SIM_OPC_TRACK_RECV:
		return SIM_INVALID_FIELD;
	default:
		break;
	}
	ctrl = vf_by_cntlid(pf, c->cdw11 & 0xffff);
	if (!ctrl)
		return SIM_INVALID_CTRL_ID;
	if (c->opcode == SIM_OPC_MIGRATION_RECV)
		return sel == 0 ? get_state(ctrl, c) : SIM_INVALID_FIELD;
	switch (sel) {
	case 0:
		return suspend(ctrl, (c->cdw11 >> 16) & 0xff, c->cdw11 >> 31);
	case 1:
		return resume(ctrl);
	case 2:
		return set_state(ctrl, c);
	default:
		return SIM_INVALID_FIELD;
	}
}

/* ---- the 2022 vendor profile ---- */

uint32_t sim_vendor(struct sim_cmd *c)
{
	struct sim_pf *pf = c->ctrl->pf;
	uint16_t vf = c->cdw10 & 0xffff;
	struct sim_ctrl *ctrl;
	uint32_t st;

	if (c->ctrl->index || pf->profile != SIM_PROFILE_VENDOR)
		return SIM_INVALID_OPCODE;
	if (!vf || vf > pf->nvf)
		return SIM_INVALID_FIELD;
	ctrl = &pf->ctrl[vf];
	switch (c->opcode) {
	case SIM_OPC_VENDOR_STATE_SIZE:
		c->result = state_len(ctrl);
		return SIM_OK;
	case SIM_OPC_VENDOR_SUSPEND:
		return suspend(ctrl, 1, false);
	case SIM_OPC_VENDOR_RESUME:
		return resume(ctrl);
	case SIM_OPC_VENDOR_SAVE:
		if (ctrl->state != SIM_SUSPENDED)
			return SIM_CTRL_NOT_SUSPENDED;
		if (snapshot(ctrl, false))
			return SIM_INTERNAL;
		if (c->data_len < ctrl->snap_len)
			return SIM_INVALID_FIELD;
		snapshot_read(ctrl, 0, c->data, ctrl->snap_len);
		c->out_len = ctrl->snap_len;
		c->result = ctrl->snap_len;
		return SIM_OK;
	case SIM_OPC_VENDOR_LOAD:
		if (ctrl->state != SIM_SUSPENDED)
			return SIM_CTRL_NOT_SUSPENDED;
		if (c->cdw11 != c->data_len)
			return SIM_INVALID_FIELD;
		st = load_state(ctrl, c->data, c->data_len);
		return st;
	default:
		return SIM_INVALID_OPCODE;
	}
}

void sim_ctrl_reset(struct sim_ctrl *ctrl)
{
	struct sim_cdq *q = cdq_of(ctrl);

	/*
	 * A function-level reset drops the migration context, as real devices
	 * have done: the queue vanishes without a final entry, so the host
	 * sees no end and its next command on the queue fails.
	 */
	if (q)
		cdq_delete(q);
	drop_transfers(ctrl);
	ctrl->state = SIM_RUNNING;
	ctrl->nsq = ctrl->ncq = 0;
}
